// Reading the text fixtures under tests/wire/data/formats/.
#ifndef ZK_TESTS_WIRE_FORMATS_TEST_DATA_H_
#define ZK_TESTS_WIRE_FORMATS_TEST_DATA_H_

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "text_lines.h"  // Lines, SortedLines

namespace zk::wire::testing {

inline std::string ReadFormatsData(const std::string& name) {
  const std::string path = std::string(ZK_TEST_DATA_DIR) + "/formats/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The lines of `text` from the one after `after` (exclusive) up to the first
// line that does not start with `prefix`, joined with '\n'.
inline std::string Block(const std::vector<std::string>& lines, std::size_t first,
                         std::string_view prefix) {
  std::string out;
  for (std::size_t i = first; i < lines.size() && lines[i].starts_with(prefix); ++i) {
    if (!out.empty()) out += '\n';
    out += lines[i];
  }
  return out;
}

}  // namespace zk::wire::testing

#endif  // ZK_TESTS_WIRE_FORMATS_TEST_DATA_H_
