#include "zk/wire/java_properties.h"

#include <fmt/format.h>

#include <optional>
#include <unordered_map>

#include "zk/wire/java_order.h"

namespace zk::wire {

namespace {

bool IsPropWhite(char c) { return c == ' ' || c == '\t' || c == '\f'; }

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Properties.loadConvert: decodes escapes. Returns nullopt on a malformed
// \uXXXX. \u escapes are UTF-16 code units; a surrogate pair becomes one
// code point, a lone surrogate U+FFFD.
std::optional<std::string> Unescape(std::string_view in) {
  if (in.find('\\') == std::string_view::npos) return std::string(in);
  std::string out;
  out.reserve(in.size());
  uint32_t high = 0;  // pending high surrogate, 0 for none
  auto flush_high = [&] {
    if (high != 0) AppendUtf8(0xFFFD, out);
    high = 0;
  };
  for (std::size_t i = 0; i < in.size();) {
    char c = in[i++];
    if (c != '\\' || i >= in.size()) {
      flush_high();
      out += c;
      continue;
    }
    c = in[i++];
    if (c != 'u') {
      flush_high();
      switch (c) {
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'n':
          out += '\n';
          break;
        case 'f':
          out += '\f';
          break;
        default:
          out += c;
          break;
      }
      continue;
    }
    if (i + 4 > in.size()) return std::nullopt;
    uint32_t unit = 0;
    for (int k = 0; k < 4; ++k) {
      int v = HexValue(in[i++]);
      if (v < 0) return std::nullopt;
      unit = (unit << 4) | static_cast<uint32_t>(v);
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      flush_high();
      high = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      if (high != 0) {
        AppendUtf8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), out);
        high = 0;
      } else {
        AppendUtf8(0xFFFD, out);
      }
    } else {
      flush_high();
      AppendUtf8(unit, out);
    }
  }
  flush_high();
  return out;
}

}  // namespace

Result<std::vector<PropertyEntry>> LoadProperties(std::string_view text) {
  std::vector<PropertyEntry> entries;
  std::unordered_map<std::string, std::size_t> index;
  std::size_t pos = 0;
  int line_no = 1;
  const std::size_t n = text.size();

  // Consumes one line terminator at `pos` (\n, \r or \r\n).
  auto eat_eol = [&] {
    if (text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n') ++pos;
    ++pos;
    ++line_no;
  };

  while (pos < n) {
    // Skip blanks and empty lines before a logical line.
    if (IsPropWhite(text[pos])) {
      ++pos;
      continue;
    }
    if (text[pos] == '\r' || text[pos] == '\n') {
      eat_eol();
      continue;
    }
    const int start_line = line_no;
    // Collect the logical line (Properties.LineReader), joining continuation
    // lines. Most lines have none and are used in place. Java's corners are
    // kept: a line that a continuation left empty can still turn out to be
    // a comment or a blank line, and a lone continuation at the very end of
    // the text yields an empty key.
    std::string joined;
    std::string_view buf;
    bool emit = false;
    while (true) {
      if (joined.empty() && (text[pos] == '#' || text[pos] == '!')) {
        while (pos < n && text[pos] != '\r' && text[pos] != '\n') ++pos;
        break;
      }
      std::size_t eol = pos;
      while (eol < n && text[eol] != '\r' && text[eol] != '\n') ++eol;
      std::size_t backslashes = 0;
      while (backslashes < eol - pos && text[eol - 1 - backslashes] == '\\') ++backslashes;
      const bool continues = backslashes % 2 == 1;
      std::string_view piece = text.substr(pos, eol - pos);
      if (continues) piece.remove_suffix(1);
      pos = eol;
      if (!continues || pos >= n) {
        if (joined.empty()) {
          buf = piece;
        } else {
          joined += piece;
          buf = joined;
        }
        emit = true;
        break;
      }
      joined += piece;
      const bool crlf = text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n';
      eat_eol();
      if (pos >= n) {
        buf = joined;
        emit = !crlf || !joined.empty();
        break;
      }
      while (pos < n && IsPropWhite(text[pos])) ++pos;
      if (pos >= n || text[pos] == '\r' || text[pos] == '\n') {
        buf = joined;
        emit = !joined.empty();
        break;
      }
    }
    if (!emit) continue;

    // Split key and value (Properties.load0).
    std::size_t key_len = 0;
    std::size_t value_start = buf.size();
    bool has_sep = false;
    bool backslash = false;
    char c = 0;
    while (key_len < buf.size()) {
      c = buf[key_len];
      if ((c == '=' || c == ':') && !backslash) {
        value_start = key_len + 1;
        has_sep = true;
        break;
      }
      if (IsPropWhite(c) && !backslash) {
        value_start = key_len + 1;
        break;
      }
      backslash = c == '\\' ? !backslash : false;
      ++key_len;
    }
    while (value_start < buf.size()) {
      c = buf[value_start];
      if (!IsPropWhite(c)) {
        if (!has_sep && (c == '=' || c == ':')) {
          has_sep = true;
        } else {
          break;
        }
      }
      ++value_start;
    }
    auto key = Unescape(buf.substr(0, key_len));
    auto value = Unescape(buf.substr(value_start));
    if (!key || !value) {
      return Status(Error::kBadArguments,
                    fmt::format("line {}: malformed \\uxxxx escape", start_line));
    }
    auto [it, inserted] = index.emplace(*key, entries.size());
    if (inserted) {
      entries.push_back(PropertyEntry{std::move(*key), std::move(*value), start_line});
    } else {
      entries[it->second].value = std::move(*value);
      entries[it->second].line = start_line;
    }
  }
  return entries;
}

std::vector<const PropertyEntry*> InJavaOrder(const std::vector<PropertyEntry>& entries) {
  std::vector<std::string_view> keys;
  keys.reserve(entries.size());
  for (const auto& e : entries) keys.emplace_back(e.key);
  std::vector<const PropertyEntry*> out;
  out.reserve(entries.size());
  for (auto i : JavaPropertiesOrder(keys)) out.push_back(&entries[i]);
  return out;
}

}  // namespace zk::wire
