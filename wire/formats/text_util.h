// Private helpers shared by the text-format parsers: the few pieces of Java's
// String and Integer/Long behaviour that ZooKeeper's parsers depend on.
// Not part of the public API.
#ifndef ZK_WIRE_FORMATS_TEXT_UTIL_H_
#define ZK_WIRE_FORMATS_TEXT_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zk::wire::internal {

// String.trim(): strips every character <= ' ' (so also control characters)
// from both ends.
// Decodes the UTF-8 code point starting at s[i] and stores its byte length in
// *len. An invalid or truncated sequence, an overlong form, a surrogate or a
// value above U+10FFFF gives U+FFFD with *len = 1 (as Java's decoder does,
// one replacement per bad byte). REQUIRES: i < s.size().
uint32_t DecodeUtf8At(std::string_view s, std::size_t i, std::size_t* len);

std::string_view JavaTrim(std::string_view s);

// String.split(sep) for a one-character literal separator: the pieces between
// separators, with trailing empty pieces removed; a string without the
// separator gives itself, and a string of separators only gives nothing.
std::vector<std::string_view> JavaSplit(std::string_view s, char sep);

// Integer.parseInt / Long.parseLong (radix 10 or 16) restricted to ASCII: an
// optional '+' or '-', then at least one digit, within range. nullopt
// otherwise.
std::optional<int32_t> JavaParseInt(std::string_view s);
std::optional<int64_t> JavaParseLong(std::string_view s, int radix = 10);

// Long.toHexString: lowercase, no leading zeros, two's complement for
// negative values.
std::string JavaLongToHex(int64_t v);

// ASCII lowercase (what zkCli's toLowerCase() does to ASCII input).
std::string AsciiLower(std::string_view s);

// `s` in double quotes for an error message, control bytes escaped, long
// inputs shortened, so that a message never carries raw garbage.
std::string Quote(std::string_view s);

}  // namespace zk::wire::internal

#endif  // ZK_WIRE_FORMATS_TEXT_UTIL_H_
