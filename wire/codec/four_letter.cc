#include "zk/wire/four_letter.h"

#include <array>

namespace zk::wire {
namespace {

struct WordInfo {
  FourLetterWord word;
  std::string_view name;
  int32_t code;
  bool stock;
};

constexpr int32_t CodeOf(std::string_view w) {
  return static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint8_t>(w[0])) << 24) |
                              (static_cast<uint32_t>(static_cast<uint8_t>(w[1])) << 16) |
                              (static_cast<uint32_t>(static_cast<uint8_t>(w[2])) << 8) |
                              static_cast<uint32_t>(static_cast<uint8_t>(w[3])));
}

constexpr WordInfo Stock(FourLetterWord word, std::string_view name) {
  return {word, name, CodeOf(name), true};
}

constexpr WordInfo Extension(FourLetterWord word, std::string_view name) {
  return {word, name, CodeOf(name), false};
}

constexpr std::array kWords = {
    Stock(FourLetterWord::kConf, "conf"),
    Stock(FourLetterWord::kCons, "cons"),
    Stock(FourLetterWord::kCrst, "crst"),
    Stock(FourLetterWord::kDirs, "dirs"),
    Stock(FourLetterWord::kDump, "dump"),
    Stock(FourLetterWord::kEnvi, "envi"),
    Stock(FourLetterWord::kGtmk, "gtmk"),
    Stock(FourLetterWord::kRuok, "ruok"),
    Stock(FourLetterWord::kStmk, "stmk"),
    Stock(FourLetterWord::kSrst, "srst"),
    Stock(FourLetterWord::kSrvr, "srvr"),
    Stock(FourLetterWord::kStat, "stat"),
    Stock(FourLetterWord::kWchc, "wchc"),
    Stock(FourLetterWord::kWchp, "wchp"),
    Stock(FourLetterWord::kWchs, "wchs"),
    Stock(FourLetterWord::kMntr, "mntr"),
    Stock(FourLetterWord::kIsro, "isro"),
    Stock(FourLetterWord::kHash, "hash"),
    WordInfo{FourLetterWord::kTelnetClose, "telnet close", static_cast<int32_t>(0xfff4fffdU), true},
    Extension(FourLetterWord::kShed, "shed"),
    Extension(FourLetterWord::kSh25, "sh25"),
    Extension(FourLetterWord::kSh50, "sh50"),
};

constexpr std::array<FourLetterWord, kWords.size()> MakeAll() {
  std::array<FourLetterWord, kWords.size()> all{};
  for (std::size_t i = 0; i < kWords.size(); ++i) all[i] = kWords[i].word;
  return all;
}
constexpr std::array kAll = MakeAll();

const WordInfo& Info(FourLetterWord word) {
  for (const WordInfo& info : kWords) {
    if (info.word == word) return info;
  }
  return kWords[0];  // unreachable for enumerated values
}

}  // namespace

int32_t FourLetterWordCode(FourLetterWord word) { return Info(word).code; }
std::string_view FourLetterWordName(FourLetterWord word) { return Info(word).name; }
bool IsStockFourLetterWord(FourLetterWord word) { return Info(word).stock; }
std::span<const FourLetterWord> AllFourLetterWords() { return kAll; }

std::optional<FourLetterWord> FourLetterWordFromCode(int32_t code) {
  for (const WordInfo& info : kWords) {
    if (info.code == code) return info.word;
  }
  return std::nullopt;
}

std::optional<FourLetterWord> DetectFourLetterWord(std::string_view first_bytes) {
  if (first_bytes.size() < 4) return std::nullopt;
  return FourLetterWordFromCode(CodeOf(first_bytes));
}

}  // namespace zk::wire
