// Four-letter words. Before the handshake a server
// reads the first 4 bytes of a connection as a big-endian int; if it is a
// known word the connection is a 4lw request (plain-text answer, then
// close), otherwise the same 4 bytes are the length of the ConnectRequest
// frame.
//
// Known words are those of ZooKeeper's FourLetterCommands (3.6 – 3.10):
// conf cons crst dirs dump envi gtmk ruok stmk srst srvr stat wchc wchp wchs
// mntr isro hash, plus the telnet close sequence 0xfff4fffd (recognised but
// executes nothing), plus zkbalance's connection-shedding words shed, sh25
// and sh50 (proposed in ZOOKEEPER-2748, not in stock ZooKeeper; zksim
// answers them).
#ifndef ZK_WIRE_FOUR_LETTER_H_
#define ZK_WIRE_FOUR_LETTER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace zk::wire {

enum class FourLetterWord {
  kConf,
  kCons,
  kCrst,
  kDirs,
  kDump,
  kEnvi,
  kGtmk,
  kRuok,
  kStmk,
  kSrst,
  kSrvr,
  kStat,
  kWchc,
  kWchp,
  kWchs,
  kMntr,
  kIsro,
  kHash,
  kTelnetClose,  // 0xfff4fffd
  kShed,         // zkbalance extension
  kSh25,         // zkbalance extension
  kSh50,         // zkbalance extension
};

// The 4-byte code as ZooKeeper compares it, e.g. 0x72756f6b for ruok.
int32_t FourLetterWordCode(FourLetterWord word);
// The word ("ruok", ...); "telnet close" for kTelnetClose.
std::string_view FourLetterWordName(FourLetterWord word);
// False for the zkbalance extensions shed, sh25, sh50.
bool IsStockFourLetterWord(FourLetterWord word);
// stmk is followed by an 8-byte big-endian trace mask; every other word by
// nothing the server reads.
inline constexpr std::size_t kStmkArgumentSize = 8;

// Every word, in declaration order.
std::span<const FourLetterWord> AllFourLetterWords();

// The word whose code is `code`, if any.
std::optional<FourLetterWord> FourLetterWordFromCode(int32_t code);
// Looks at the first 4 bytes of a fresh connection. nullopt when fewer than 4
// bytes are given or they are not a known word (then they are a frame
// length). Bytes after the first 4 are ignored. Matching is exact and
// case-sensitive, as in ZooKeeper.
std::optional<FourLetterWord> DetectFourLetterWord(std::string_view first_bytes);

}  // namespace zk::wire

#endif  // ZK_WIRE_FOUR_LETTER_H_
