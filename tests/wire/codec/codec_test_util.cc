#include "codec_test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "zk/wire/records.h"

namespace zk::wire::testing {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string FromHex(std::string_view hex) {
  std::string digits;
  bool valid = true;
  for (char c : hex) {
    if (c == ' ' || c == '|' || c == '\n') continue;
    valid = valid && HexDigit(c) >= 0;
    digits.push_back(c);
  }
  INFO("hex string: " << hex);
  REQUIRE((valid && digits.size() % 2 == 0));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<char>(HexDigit(digits[i]) * 16 + HexDigit(digits[i + 1])));
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string CaptureDir() { return std::string(ZK_TEST_DATA_DIR) + "/captures"; }

std::vector<std::string> CaptureFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(CaptureDir())) {
    std::string name = entry.path().filename().string();
    if (name.rfind("wire_", 0) == 0 && entry.path().extension() == ".log") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Capture ParseCapture(const std::string& path) {
  std::ifstream in(path);
  INFO("capture " << path);
  REQUIRE(in.good());
  Capture capture;
  std::string file = std::filesystem::path(path).filename().string();
  std::string text;
  int line_no = 0;
  while (std::getline(in, text)) {
    ++line_no;
    std::istringstream words(text);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    // Optional leading timestamp "HH:MM:SS".
    if (!w.empty() && w[0].find(':') != std::string::npos) w.erase(w.begin());
    if (w.size() < 3 || (w[1] != "C->S" && w[1] != "S->C")) continue;
    bool c2s = w[1] == "C->S";
    if (w[2] == "NONFRAME" && w.size() >= 4) {
      // b'envi' -> envi (the captures only hold printable ASCII here).
      std::string quoted = text.substr(text.find("b'") + 2);
      quoted = quoted.substr(0, quoted.rfind('\''));
      capture.raw.push_back({file, w[0], c2s, quoted});
      continue;
    }
    if (w[2].rfind("len=", 0) != 0) continue;
    std::size_t len = std::stoul(w[2].substr(4));
    std::string hex = w.size() >= 4 ? w[3] : "";
    CapturedFrame frame{file, line_no, w[0], c2s, FromHex(hex)};
    INFO(file << ":" << line_no);
    REQUIRE(frame.payload.size() == len);
    capture.frames.push_back(std::move(frame));
  }
  return capture;
}

std::vector<ClassifiedFrame> ClassifiedCaptureFrames() {
  std::vector<ClassifiedFrame> out;
  for (const std::string& path : CaptureFiles()) {
    std::set<std::pair<std::string, bool>> handshaken;
    std::map<std::pair<std::string, int32_t>, OpCode> pending;
    for (CapturedFrame& f : ParseCapture(path).frames) {
      ClassifiedFrame c;
      const bool first = handshaken.insert({f.connection, f.client_to_server}).second;
      if (first) {
        c.kind = f.client_to_server ? FrameKind::kConnectRequest : FrameKind::kConnectResponse;
      } else {
        Reader r(f.payload);
        int32_t xid = 0, type = 0;
        REQUIRE(r.Int(&xid));
        if (f.client_to_server) {
          REQUIRE(r.Int(&type));
          c.kind = FrameKind::kRequest;
          pending[{f.connection, xid}] = static_cast<OpCode>(type);
        } else {
          c.kind = FrameKind::kReply;
          std::optional<OpCode> special = SpecialXidOpCode(xid);
          auto it = pending.find({f.connection, xid});
          REQUIRE((special.has_value() || it != pending.end()));
          c.reply_to = special.has_value() ? *special : it->second;
        }
      }
      c.frame = std::move(f);
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace zk::wire::testing
