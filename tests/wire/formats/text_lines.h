// Splitting text into lines, for the format tests and the format fuzz
// targets (which compare printed configurations line by line).
#ifndef ZK_TESTS_WIRE_FORMATS_TEXT_LINES_H_
#define ZK_TESTS_WIRE_FORMATS_TEXT_LINES_H_

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace zk::wire::testing {

// The lines of `text` without their '\n'. A line is what a '\n' ends, or
// the unterminated rest, so "a\nb" and "a\nb\n" are both {"a", "b"} (no
// empty line after the last '\n'), "" is {} and "a\n\nb" is {"a", "", "b"}.
inline std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// Lines(text) in ascending order: two texts that list the same lines in
// another order compare equal.
inline std::vector<std::string> SortedLines(std::string_view text) {
  std::vector<std::string> out = Lines(text);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace zk::wire::testing

#endif  // ZK_TESTS_WIRE_FORMATS_TEXT_LINES_H_
