#include "zk/wire/java_properties.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace zk::wire {
namespace {

std::vector<std::string> Flat(const std::vector<PropertyEntry>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(fmt::format("{}:[{}]=[{}]", e.line, e.key, e.value));
  return out;
}

TEST_CASE("properties: separators, comments, blank lines, line numbers") {
  auto p = LoadProperties(
      "# comment\n"
      "! also a comment\n"
      "\n"
      "   \t\n"
      "a=1\n"
      "  b = 2  \n"
      "c:3\n"
      "d 4\n"
      "e\n"
      "f=\n"
      "g = = x\n"
      "h\t:\t5\r\n"
      "i=6\r"
      "j=7");
  REQUIRE(p.ok());
  CHECK(Flat(*p) == std::vector<std::string>{"5:[a]=[1]", "6:[b]=[2  ]", "7:[c]=[3]", "8:[d]=[4]",
                                             "9:[e]=[]", "10:[f]=[]", "11:[g]=[= x]", "12:[h]=[5]",
                                             "13:[i]=[6]", "14:[j]=[7]"});
}

TEST_CASE("properties: escapes and continuation lines") {
  auto p = LoadProperties(
      "key\\ with\\ spaces=v\\u0041\\t!\n"
      "long=one, \\\n"
      "     two, \\\n"
      "  three\n"
      "even=ends\\\\\n"
      "next=x\n"
      "colon\\:key=\\=v\n"
      "uni=\\u00e9\\ud83d\\ude00\n"
      "last=trailing\\");
  REQUIRE(p.ok());
  CHECK(Flat(*p) ==
        std::vector<std::string>{"1:[key with spaces]=[vA\t!]", "2:[long]=[one, two, three]",
                                 "5:[even]=[ends\\]", "6:[next]=[x]", "7:[colon:key]=[=v]",
                                 "8:[uni]=[\xc3\xa9\xf0\x9f\x98\x80]", "9:[last]=[trailing]"});
}

TEST_CASE("properties: Java's corners of continuation lines (checked against Java 17)") {
  auto flat = [](std::string_view text) {
    auto p = LoadProperties(text);
    REQUIRE(p.ok());
    return Flat(*p);
  };
  // A continuation that leaves the logical line empty: what follows may
  // still be a comment or a blank line.
  CHECK(flat("\\\r#:").empty());
  CHECK(flat("\\\n!x=1\ny=2") == std::vector<std::string>{"3:[y]=[2]"});
  CHECK(flat("\f\\\n\r").empty());
  CHECK(flat("a=1\\\n\n#b=2") == std::vector<std::string>{"1:[a]=[1]"});
  // A continuation right at the end of the text gives an empty key, except
  // after \r\n.
  CHECK(flat("\\") == std::vector<std::string>{"1:[]=[]"});
  CHECK(flat("\\\n") == std::vector<std::string>{"1:[]=[]"});
  CHECK(flat("\\\r\n").empty());
  CHECK(flat("\\\n   ").empty());
  CHECK(flat("k=v\\\r\n") == std::vector<std::string>{"1:[k]=[v]"});
}

TEST_CASE("properties: a repeated key keeps its place and takes the later value") {
  auto p = LoadProperties("a=1\nb=2\na=3\n");
  REQUIRE(p.ok());
  CHECK(Flat(*p) == std::vector<std::string>{"3:[a]=[3]", "2:[b]=[2]"});
}

TEST_CASE("properties: a malformed \\u escape is the one syntax error") {
  auto p = LoadProperties("a=1\n\nb=\\u12g4\n");
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message() == "line 3: malformed \\uxxxx escape");
  CHECK_FALSE(LoadProperties("b=\\u12").ok());
}

TEST_CASE("properties: iteration order of java.util.Properties") {
  auto p = LoadProperties("server.1=a\nserver.2=b\nserver.3=c\nversion=1");
  REQUIRE(p.ok());
  std::vector<std::string> keys;
  for (const auto* e : InJavaOrder(*p)) keys.push_back(e->key);
  CHECK(keys == std::vector<std::string>{"server.2", "server.1", "server.3", "version"});
}

}  // namespace
}  // namespace zk::wire
