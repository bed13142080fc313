// Transactions: what the leader proposes after validating a request, and what
// every replica applies in zxid order. Applying a transaction never fails;
// all checks happen before (see prep.h), against the leader's proposed state.
#ifndef ZK_SIM_TXN_H_
#define ZK_SIM_TXN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "acl.h"
#include "zk/wire/error.h"

namespace zk::sim {

struct CreateTxn {
  std::string path;  // final path, sequence suffix included
  std::optional<std::string> data;  // nullopt = null buffer
  AclList acl;
  int64_t ephemeral_owner = 0;  // session id, container or TTL marker, or 0
};
struct DeleteTxn {
  std::string path;
};
struct SetDataTxn {
  std::string path;
  std::optional<std::string> data;
  int32_t version = 0;  // the node's new version (-1 for /zookeeper/config)
};
struct SetAclTxn {
  std::string path;
  AclList acl;
  int32_t aversion = 0;
};
struct CheckTxn {
  std::string path;
};
// A failed write still takes a zxid ("error transaction").
struct ErrorTxn {
  Error err = Error::kOk;
};
struct CreateSessionTxn {
  int64_t session_id = 0;
  int32_t timeout_ms = 0;
};
struct CloseSessionTxn {
  int64_t session_id = 0;
};

using SubTxn = std::variant<CreateTxn, DeleteTxn, SetDataTxn, SetAclTxn, CheckTxn>;

// A multi: all sub-transactions, or (failed) one error per op.
struct MultiTxn {
  std::vector<SubTxn> ops;
  std::vector<Error> errors;  // non-empty iff the multi failed
};

using TxnBody = std::variant<ErrorTxn, CreateTxn, DeleteTxn, SetDataTxn, SetAclTxn,
                             CreateSessionTxn, CloseSessionTxn, MultiTxn>;

struct Txn {
  int64_t zxid = 0;
  int64_t time_ms = 0;  // wall-clock ms from the injected clock
  int64_t session_id = 0;
  TxnBody body;
};

}  // namespace zk::sim

#endif  // ZK_SIM_TXN_H_
