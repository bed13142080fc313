// Request bodies, one record per jute class. The
// body follows a RequestHeader whose type is the opcode; which record goes
// with which opcode is in messages.h (DecodeRequestBody) and in the comment
// on each record. Conventions (Encode/Decode, operator==, nulls) are those of
// records.h. multi and multiRead are in multi.h.
#ifndef ZK_WIRE_REQUESTS_H_
#define ZK_WIRE_REQUESTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zk/wire/jute.h"
#include "zk/wire/protocol.h"
#include "zk/wire/records.h"

namespace zk::wire {

// Bodiless requests: ping (11, xid -2), closeSession (-11), whoAmI (107).
struct PingRequest {
  bool operator==(const PingRequest&) const = default;
};
struct CloseSessionRequest {
  bool operator==(const CloseSessionRequest&) const = default;
};
struct WhoAmIRequest {
  bool operator==(const WhoAmIRequest&) const = default;
};

// create (1), create2 (15), createContainer (19, flags kContainer).
struct CreateRequest {
  std::string path;
  std::optional<std::string> data;  // nullopt: a null znode (getData returns null)
  std::vector<Acl> acl;
  CreateMode flags = CreateMode::kPersistent;
  bool operator==(const CreateRequest&) const = default;
};

// createTTL (21).
struct CreateTtlRequest {
  std::string path;
  std::optional<std::string> data;
  std::vector<Acl> acl;
  CreateMode flags = CreateMode::kPersistentWithTtl;
  int64_t ttl = 0;  // milliseconds, 1..kMaxTtlMs
  bool operator==(const CreateTtlRequest&) const = default;
};

// delete (2).
struct DeleteRequest {
  std::string path;
  int32_t version = kAnyVersion;
  bool operator==(const DeleteRequest&) const = default;
};

// exists (3).
struct ExistsRequest {
  std::string path;
  bool watch = false;
  bool operator==(const ExistsRequest&) const = default;
};

// getData (4).
struct GetDataRequest {
  std::string path;
  bool watch = false;
  bool operator==(const GetDataRequest&) const = default;
};

// setData (5).
struct SetDataRequest {
  std::string path;
  std::optional<std::string> data;
  int32_t version = kAnyVersion;
  bool operator==(const SetDataRequest&) const = default;
};

// getACL (6).
struct GetAclRequest {
  std::string path;
  bool operator==(const GetAclRequest&) const = default;
};

// setACL (7); version is compared with the node's aversion.
struct SetAclRequest {
  std::string path;
  std::vector<Acl> acl;
  int32_t version = kAnyVersion;
  bool operator==(const SetAclRequest&) const = default;
};

// getChildren (8).
struct GetChildrenRequest {
  std::string path;
  bool watch = false;
  bool operator==(const GetChildrenRequest&) const = default;
};

// getChildren2 (12).
struct GetChildren2Request {
  std::string path;
  bool watch = false;
  bool operator==(const GetChildren2Request&) const = default;
};

// check (13), only as a multi op.
struct CheckVersionRequest {
  std::string path;
  int32_t version = kAnyVersion;
  bool operator==(const CheckVersionRequest&) const = default;
};

// sync (9).
struct SyncRequest {
  std::string path;
  bool operator==(const SyncRequest&) const = default;
};

// reconfig (16). Unused strings are null: incremental mode sets joining
// and/or leaving, bulk mode sets new_members.
struct ReconfigRequest {
  std::optional<std::string> joining_servers;
  std::optional<std::string> leaving_servers;
  std::optional<std::string> new_members;
  int64_t cur_config_id = kAnyConfigId;
  bool operator==(const ReconfigRequest&) const = default;
};

// auth (100), sent with xid -4.
struct AuthPacket {
  int32_t type = 0;  // always 0, ignored by the server
  std::string scheme;
  std::optional<std::string> auth;
  bool operator==(const AuthPacket&) const = default;
};

// setWatches (101). The C client sends it with xid -8, Java with an ordinary
// xid. relative_zxid is the client's last seen zxid.
struct SetWatches {
  int64_t relative_zxid = 0;
  std::vector<std::string> data_watches;
  std::vector<std::string> exist_watches;
  std::vector<std::string> child_watches;
  bool operator==(const SetWatches&) const = default;
};

// setWatches2 (105).
struct SetWatches2 {
  int64_t relative_zxid = 0;
  std::vector<std::string> data_watches;
  std::vector<std::string> exist_watches;
  std::vector<std::string> child_watches;
  std::vector<std::string> persistent_watches;
  std::vector<std::string> persistent_recursive_watches;
  bool operator==(const SetWatches2&) const = default;
};

// checkWatches (17).
struct CheckWatchesRequest {
  std::string path;
  WatcherType type = WatcherType::kAny;
  bool operator==(const CheckWatchesRequest&) const = default;
};

// removeWatches (18).
struct RemoveWatchesRequest {
  std::string path;
  WatcherType type = WatcherType::kAny;
  bool operator==(const RemoveWatchesRequest&) const = default;
};

// addWatch (106).
struct AddWatchRequest {
  std::string path;
  AddWatchMode mode = AddWatchMode::kPersistent;
  bool operator==(const AddWatchRequest&) const = default;
};

// sasl (102).
struct GetSaslRequest {
  std::optional<std::string> token;
  bool operator==(const GetSaslRequest&) const = default;
};

// getEphemerals (103). Null, "" and "/" all mean every ephemeral of the
// session; otherwise a plain string-prefix match.
struct GetEphemeralsRequest {
  std::optional<std::string> prefix_path;
  bool operator==(const GetEphemeralsRequest&) const = default;
};

// getAllChildrenNumber (104).
struct GetAllChildrenNumberRequest {
  std::string path;
  bool operator==(const GetAllChildrenNumberRequest&) const = default;
};

void Encode(Writer& w, const PingRequest& v);
bool Decode(Reader& r, PingRequest* out);
void Encode(Writer& w, const CloseSessionRequest& v);
bool Decode(Reader& r, CloseSessionRequest* out);
void Encode(Writer& w, const WhoAmIRequest& v);
bool Decode(Reader& r, WhoAmIRequest* out);
void Encode(Writer& w, const CreateRequest& v);
bool Decode(Reader& r, CreateRequest* out);
void Encode(Writer& w, const CreateTtlRequest& v);
bool Decode(Reader& r, CreateTtlRequest* out);
void Encode(Writer& w, const DeleteRequest& v);
bool Decode(Reader& r, DeleteRequest* out);
void Encode(Writer& w, const ExistsRequest& v);
bool Decode(Reader& r, ExistsRequest* out);
void Encode(Writer& w, const GetDataRequest& v);
bool Decode(Reader& r, GetDataRequest* out);
void Encode(Writer& w, const SetDataRequest& v);
bool Decode(Reader& r, SetDataRequest* out);
void Encode(Writer& w, const GetAclRequest& v);
bool Decode(Reader& r, GetAclRequest* out);
void Encode(Writer& w, const SetAclRequest& v);
bool Decode(Reader& r, SetAclRequest* out);
void Encode(Writer& w, const GetChildrenRequest& v);
bool Decode(Reader& r, GetChildrenRequest* out);
void Encode(Writer& w, const GetChildren2Request& v);
bool Decode(Reader& r, GetChildren2Request* out);
void Encode(Writer& w, const CheckVersionRequest& v);
bool Decode(Reader& r, CheckVersionRequest* out);
void Encode(Writer& w, const SyncRequest& v);
bool Decode(Reader& r, SyncRequest* out);
void Encode(Writer& w, const ReconfigRequest& v);
bool Decode(Reader& r, ReconfigRequest* out);
void Encode(Writer& w, const AuthPacket& v);
bool Decode(Reader& r, AuthPacket* out);
void Encode(Writer& w, const SetWatches& v);
bool Decode(Reader& r, SetWatches* out);
void Encode(Writer& w, const SetWatches2& v);
bool Decode(Reader& r, SetWatches2* out);
void Encode(Writer& w, const CheckWatchesRequest& v);
bool Decode(Reader& r, CheckWatchesRequest* out);
void Encode(Writer& w, const RemoveWatchesRequest& v);
bool Decode(Reader& r, RemoveWatchesRequest* out);
void Encode(Writer& w, const AddWatchRequest& v);
bool Decode(Reader& r, AddWatchRequest* out);
void Encode(Writer& w, const GetSaslRequest& v);
bool Decode(Reader& r, GetSaslRequest* out);
void Encode(Writer& w, const GetEphemeralsRequest& v);
bool Decode(Reader& r, GetEphemeralsRequest* out);
void Encode(Writer& w, const GetAllChildrenNumberRequest& v);
bool Decode(Reader& r, GetAllChildrenNumberRequest* out);

}  // namespace zk::wire

#endif  // ZK_WIRE_REQUESTS_H_
