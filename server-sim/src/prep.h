// Request validation, as ZooKeeper's PrepRequestProcessor: checks a write
// against the leader's proposed state in ZooKeeper 3.8's order and turns
// it into a transaction. The first failing check wins.
#ifndef ZK_SIM_PREP_H_
#define ZK_SIM_PREP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "acl.h"
#include "data_tree.h"
#include "txn.h"
#include "zk/wire/status.h"

namespace zk::sim {

struct CreateReq {
  std::string path;
  std::optional<std::string> data;
  AclList acl;
  int32_t flags = 0;  // wire::CreateMode, checked by PrepCreate
  int64_t ttl = -1;  // only for createTTL
};
struct DeleteReq {
  std::string path;
  int32_t version = -1;
};
struct SetDataReq {
  std::string path;
  std::optional<std::string> data;
  int32_t version = -1;
};
struct SetAclReq {
  std::string path;
  AclList acl;
  int32_t version = -1;
};
struct CheckReq {
  std::string path;
  int32_t version = -1;
};

using WriteOp = std::variant<CreateReq, DeleteReq, SetDataReq, SetAclReq, CheckReq>;

struct PrepContext {
  int64_t session_id = 0;
  const AuthInfo* auth = nullptr;
  bool skip_acl = false;
  bool ttl_enabled = false;   // zookeeper.extendedTypesEnabled
  int64_t max_ttl_ms = 0xFFFFFFFFFFLL;  // TTLs must fit in the owner's low 40 bits
};

// Validates one op against `tree` and returns its transaction. For a
// successful op the tree is NOT changed; the caller applies the transaction.
Result<SubTxn> PrepOp(const DataTree& tree, const WriteOp& op, const PrepContext& ctx);

// Validates a multi. `tree` is the proposed state; each op sees the effect of
// the ones before it. On success the returned MultiTxn holds every op; on
// failure it holds one error per op (OK before the failing one, the failure,
// then ZRUNTIMEINCONSISTENCY). `tree` is left unchanged in both cases.
MultiTxn PrepMulti(const DataTree& tree, const std::vector<WriteOp>& ops, const PrepContext& ctx);

}  // namespace zk::sim

#endif  // ZK_SIM_PREP_H_
