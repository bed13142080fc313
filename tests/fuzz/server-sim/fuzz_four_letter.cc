// Fuzz target for four-letter words: the word detection of a fresh
// connection (wire) and the texts zksim answers (FourLetterText) for a
// server whose state the input builds first. Input: a 2-byte big-endian
// length L, then L bytes fed to a first connection (handshake and requests:
// sessions, znodes, watches), then the bytes of a second, fresh connection.
// Invariants: a detected word's code is the big-endian value of the first 4
// bytes; the second connection is closed after a word; a whitelisted word
// (other than hash, stmk and telnet close) answers a non-empty text, a word off
// the whitelist says so. No sockets, manual clock.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "clock.h"
#include "ensemble.h"
#include "formats/fuzz_check.h"
#include "four_letter.h"
#include "server_connection.h"
#include "zk/wire/four_letter.h"

using zk::wire::fuzz::Check;

namespace {

zk::sim::ServerConnection::Sink QuietSink() {
  zk::sim::ServerConnection::Sink sink;
  sink.send = [](std::string) {};
  sink.close = [](const std::string&) {};
  return sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Every known word maps to its code and back.
  for (auto w : zk::wire::AllFourLetterWords()) {
    Check(zk::wire::FourLetterWordFromCode(zk::wire::FourLetterWordCode(w)) == w,
          "word -> code -> word");
  }
  if (size < 2) return 0;
  const size_t first_len = std::min<size_t>(size - 2, (size_t{data[0]} << 8) | data[1]);
  const std::string_view first(reinterpret_cast<const char*>(data) + 2, first_len);
  const std::string_view second(reinterpret_cast<const char*>(data) + 2 + first_len,
                                size - 2 - first_len);

  zk::sim::ManualClock clock;
  zk::sim::EnsembleOptions o;
  o.super_digest = "super:Wld4W5lcg95+nlyDmUL+CKf8Hmc=";
  zk::sim::Ensemble ens(o, &clock, {});
  zk::sim::ServerConnection a(&ens, 1, 1, "127.0.0.1", 1, QuietSink());
  ens.Server(1)->conns.insert(1);
  a.Feed(first);
  clock.Advance(10);
  ens.Tick();

  // An odd-sized second part runs with a whitelist of two words only.
  std::set<std::string> whitelist = {"*"};
  if (second.size() % 2 == 1) whitelist = {"ruok", "mntr"};
  std::string asked, answer;
  auto sink = QuietSink();
  zk::sim::ServerConnection* b_ptr = nullptr;
  sink.four_letter = [&](const std::string& word) {
    asked = word;
    // The shed words are answered by SimServerImpl::FourLetter (which also
    // checks the whitelist for them), never by FourLetterText (its contract).
    if (word == "shed" || word == "sh25" || word == "sh50") {
      const bool allowed = whitelist.count("*") || whitelist.count(word);
      return answer = allowed ? "Shed 0 connections\n"
                              : word + " is not executed because it is not in the whitelist.\n";
    }
    zk::sim::FourLetterContext ctx{&ens, 1, {&a, b_ptr}, whitelist};
    answer = zk::sim::FourLetterText(ctx, word);
    return answer;
  };
  zk::sim::ServerConnection b(&ens, 1, 2, "127.0.0.1", 2, sink);
  b_ptr = &b;
  ens.Server(1)->conns.insert(2);
  b.Feed(second);

  auto word = zk::wire::DetectFourLetterWord(second);
  if (!word) {
    Check(asked.empty(), "no text without a word");
    return 0;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(second.data());
  const int32_t code = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                            (uint32_t{p[2]} << 8) | uint32_t{p[3]});
  Check(zk::wire::FourLetterWordCode(*word) == code, "the code is the first 4 bytes");
  Check(b.closed(), "a four-letter connection is closed");
  if (*word == zk::wire::FourLetterWord::kTelnetClose) {
    Check(asked.empty(), "telnet close answers nothing");
    return 0;
  }
  Check(asked == zk::wire::FourLetterWordName(*word), "the detected word is answered");
  const bool listed = whitelist.count("*") || whitelist.count(asked) || asked == "srvr";
  if (!listed) {
    Check(answer.find("not in the whitelist") != std::string::npos, "an unlisted word says so");
  } else if (asked != "hash" && asked != "stmk") {
    Check(!answer.empty(), "a listed word answers");
  }
  return 0;
}
