// The opcode table: one row per opcode with everything the codec and a
// server need to know about the operation. Decoding (messages.h), multi
// classification (multi.h), OpCodeName (protocol.h) and zksim's `cons`
// names and handler dispatch all read it, so adding an operation means
// adding its row here (and, for zksim, its handler).
#ifndef ZK_WIRE_OP_TABLE_H_
#define ZK_WIRE_OP_TABLE_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include "zk/wire/protocol.h"

namespace zk::wire {

// How a server serves a request.
enum class OpAccess : uint8_t {
  kNone,   // not a client request (notification, check, deleteContainer, createSession, error)
  kRead,   // answered from the server's own replica and connection state
  kWrite,  // ordered by the leader: the changes, sync and closeSession; a
           // read-only server refuses them (ZooKeeper's ReadOnlyRequestProcessor)
};

// Where an op may stand inside multi (14) or multiRead (22).
enum class MultiUse : uint8_t {
  kNo,
  kInMulti,      // create, create2, createContainer, createTTL, delete, setData, check
  kInMultiRead,  // getData, getChildren
};

// A record that does not exist for an opcode.
inline constexpr int kNoRecord = -1;

// The index of alternative T in variant V, as the table's record fields
// hold it (a compile error when T is not an alternative of V).
template <typename V, typename T, std::size_t I = 0>
constexpr int AlternativeIndex() {
  static_assert(I < std::variant_size_v<V>, "not an alternative of the variant");
  if constexpr (std::is_same_v<std::variant_alternative_t<I, V>, T>) {
    return static_cast<int>(I);
  } else {
    return AlternativeIndex<V, T, I + 1>();
  }
}

struct OpInfo {
  OpCode op;
  std::string_view name;     // Java Request.op2String: "create", "getACL", ...
  std::string_view cons_op;  // ZooKeeper's `cons` lop: "CREA", "GETD", ...; "NA" for none
  OpAccess access;
  MultiUse multi;
  // Alternative indices (std::variant::index()) of the records, kNoRecord
  // where there is none:
  int request;        // RequestBody (messages.h) after a RequestHeader of this type
  int response;       // ResponseBody (messages.h) of a successful reply
  int multi_request;  // MultiOp::Request (multi.h) of this op inside a multi
  int multi_result;   // MultiResult (multi.h) behind a multi result header of this type
};

// Every enumerated opcode, in OpCode's declaration order.
std::span<const OpInfo> OpTable();
// The row of `op`; nullptr for a value that is not an enumerated opcode.
const OpInfo* FindOp(OpCode op);

}  // namespace zk::wire

#endif  // ZK_WIRE_OP_TABLE_H_
