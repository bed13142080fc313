#include "zk/wire/op_table.h"

#include <catch2/catch.hpp>
#include <set>

#include "zk/wire/messages.h"
#include "zk/wire/multi.h"

namespace zk::wire {
namespace {

template <typename V>
bool InRange(int index) {
  return index == kNoRecord || (index >= 0 && index < static_cast<int>(std::variant_size_v<V>));
}

}  // namespace

TEST_CASE("op table: one row per opcode, in declaration order", "[codec][op_table]") {
  REQUIRE(OpTable().size() == AllOpCodes().size());
  std::set<int32_t> seen;
  for (std::size_t i = 0; i < OpTable().size(); ++i) {
    const OpInfo& row = OpTable()[i];
    INFO(row.name);
    CHECK(row.op == AllOpCodes()[i]);
    CHECK(FindOp(row.op) == &row);
    CHECK(OpCodeName(row.op) == row.name);
    CHECK(seen.insert(static_cast<int32_t>(row.op)).second);
    CHECK((row.cons_op == "NA" || row.cons_op.size() == 4 || row.cons_op == "GETACN"));
    CHECK(InRange<RequestBody>(row.request));
    CHECK(InRange<ResponseBody>(row.response));
    CHECK(InRange<MultiOp::Request>(row.multi_request));
    CHECK(InRange<MultiResult>(row.multi_result));
    // An op may stand in a multi exactly when it has a record there.
    CHECK((row.multi == MultiUse::kNo) == (row.multi_request == kNoRecord));
    CHECK(IsMultiWriteOp(row.op) == (row.multi == MultiUse::kInMulti));
    CHECK(IsMultiReadOp(row.op) == (row.multi == MultiUse::kInMultiRead));
    // Every client request has a reply format.
    if (row.request != kNoRecord) CHECK(row.response != kNoRecord);
  }
  CHECK(FindOp(static_cast<OpCode>(77)) == nullptr);
}

TEST_CASE("op table: every multi result alternative has exactly one header type",
          "[codec][op_table]") {
  for (std::size_t alt = 0; alt < std::variant_size_v<MultiResult>; ++alt) {
    int rows = 0;
    for (const OpInfo& row : OpTable()) rows += row.multi_result == static_cast<int>(alt);
    INFO("MultiResult alternative " << alt);
    CHECK(rows == 1);
  }
  CHECK(MultiResultType(MultiResult(Create2Response{})) == OpCode::kCreate2);
  CHECK(MultiResultType(MultiResult(ErrorResult{Error::kNoNode})) == OpCode::kError);
  CHECK(MultiResultType(MultiResult(CheckResult{})) == OpCode::kCheck);
}

TEST_CASE("op table: the classification zksim and the codec rely on", "[codec][op_table]") {
  // What a read-only server refuses (ZooKeeper's ReadOnlyRequestProcessor).
  std::set<OpCode> writes;
  for (const OpInfo& row : OpTable()) {
    if (row.access == OpAccess::kWrite && row.request != kNoRecord) writes.insert(row.op);
  }
  CHECK(writes == std::set<OpCode>{OpCode::kCreate, OpCode::kDelete, OpCode::kSetData,
                                   OpCode::kSetAcl, OpCode::kSync, OpCode::kMulti,
                                   OpCode::kCreate2, OpCode::kReconfig, OpCode::kCreateContainer,
                                   OpCode::kCreateTtl, OpCode::kCloseSession});
  CHECK(FindOp(OpCode::kGetChildren2)->cons_op == "GETC");
  CHECK(FindOp(OpCode::kWhoAmI)->cons_op == "HOMI");
  CHECK(FindOp(OpCode::kAuth)->cons_op == "NA");
  CHECK(FindOp(OpCode::kReconfig)->response == AlternativeIndex<ResponseBody, GetDataResponse>());
  CHECK(FindOp(OpCode::kCheck)->request == kNoRecord);
  CHECK(FindOp(OpCode::kCreateTtl)->multi_request ==
        AlternativeIndex<MultiOp::Request, CreateTtlRequest>());
  CHECK(FindOp(OpCode::kCreateTtl)->multi_result == kNoRecord);
}

}  // namespace zk::wire
