#include "zk/wire/four_letter.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace zk::wire {

TEST_CASE("four-letter words: every known word is detected from its 4 bytes", "[codec][4lw]") {
  const std::set<std::string> stock = {"conf", "cons", "crst", "dirs", "dump", "envi",
                                       "gtmk", "ruok", "stmk", "srst", "srvr", "stat",
                                       "wchc", "wchp", "wchs", "mntr", "isro", "hash"};
  const std::set<std::string> extensions = {"shed", "sh25", "sh50"};
  std::set<std::string> seen;
  for (FourLetterWord w : AllFourLetterWords()) {
    std::string name(FourLetterWordName(w));
    INFO(name);
    seen.insert(name);
    if (w == FourLetterWord::kTelnetClose) {
      CHECK(name == "telnet close");
      CHECK(DetectFourLetterWord(std::string("\xff\xf4\xff\xfd", 4)) == w);
      continue;
    }
    CHECK(DetectFourLetterWord(name) == w);
    CHECK(DetectFourLetterWord(name + "trailing bytes are ignored") == w);
    CHECK(FourLetterWordFromCode(FourLetterWordCode(w)) == w);
    CHECK(IsStockFourLetterWord(w) == (stock.count(name) == 1));
    CHECK((stock.count(name) + extensions.count(name)) == 1);
  }
  CHECK(seen.size() == stock.size() + extensions.size() + 1);
  CHECK(FourLetterWordCode(FourLetterWord::kRuok) == 0x72756f6b);
  CHECK(FourLetterWordCode(FourLetterWord::kTelnetClose) == static_cast<int32_t>(0xfff4fffd));
  CHECK(kStmkArgumentSize == 8);
}

TEST_CASE("four-letter words: everything else is a frame length", "[codec][4lw]") {
  CHECK_FALSE(DetectFourLetterWord("RUOK").has_value());  // case-sensitive, as ZooKeeper
  CHECK_FALSE(DetectFourLetterWord("abcd").has_value());
  CHECK_FALSE(DetectFourLetterWord("ruo").has_value());  // fewer than 4 bytes
  CHECK_FALSE(DetectFourLetterWord("").has_value());
  CHECK_FALSE(DetectFourLetterWord(std::string("\0\0\0\x2d", 4)).has_value());  // ConnectRequest
  CHECK_FALSE(FourLetterWordFromCode(45).has_value());
}

}  // namespace zk::wire
