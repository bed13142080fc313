// Response bodies. A body follows a ReplyHeader
// only when err == kOk and the op has one; which record answers which
// opcode is in messages.h (DecodeResponseBody) and in the comment on each
// record. Conventions (Encode/Decode, operator==, nulls) are those of
// records.h. Multi results are in multi.h.
#ifndef ZK_WIRE_RESPONSES_H_
#define ZK_WIRE_RESPONSES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zk/wire/jute.h"
#include "zk/wire/records.h"

namespace zk::wire {

// No body: delete, setWatches(2), checkWatches, removeWatches, auth, ping,
// closeSession, and every error reply.
struct EmptyResponse {
  bool operator==(const EmptyResponse&) const = default;
};

// create (1). A prefix of Create2Response.
struct CreateResponse {
  std::string path;  // the actual path (with the sequence suffix)
  bool operator==(const CreateResponse&) const = default;
};

// create2 (15), createContainer (19), createTTL (21).
struct Create2Response {
  std::string path;
  Stat stat;
  bool operator==(const Create2Response&) const = default;
};

// exists (3); NoNode is an error reply without body.
struct ExistsResponse {
  Stat stat;
  bool operator==(const ExistsResponse&) const = default;
};

// getData (4), and reconfig (16) with the new config text and the Stat of
// /zookeeper/config.
struct GetDataResponse {
  std::optional<std::string> data;  // nullopt: the znode holds null
  Stat stat;
  bool operator==(const GetDataResponse&) const = default;
};

// setData (5); also what ZooKeeper's server code answers a top-level check.
struct SetDataResponse {
  Stat stat;
  bool operator==(const SetDataResponse&) const = default;
};

// getACL (6).
struct GetAclResponse {
  std::vector<Acl> acl;
  Stat stat;
  bool operator==(const GetAclResponse&) const = default;
};

// setACL (7).
struct SetAclResponse {
  Stat stat;
  bool operator==(const SetAclResponse&) const = default;
};

// getChildren (8): child names, not full paths.
struct GetChildrenResponse {
  std::vector<std::string> children;
  bool operator==(const GetChildrenResponse&) const = default;
};

// getChildren2 (12).
struct GetChildren2Response {
  std::vector<std::string> children;
  Stat stat;
  bool operator==(const GetChildren2Response&) const = default;
};

// sync (9): echoes the requested path.
struct SyncResponse {
  std::string path;
  bool operator==(const SyncResponse&) const = default;
};

// sasl (102).
struct SetSaslResponse {
  std::optional<std::string> token;
  bool operator==(const SetSaslResponse&) const = default;
};

// getEphemerals (103): full paths of the session's ephemerals.
struct GetEphemeralsResponse {
  std::vector<std::string> ephemerals;
  bool operator==(const GetEphemeralsResponse&) const = default;
};

// getAllChildrenNumber (104).
struct GetAllChildrenNumberResponse {
  int32_t total_number = 0;
  bool operator==(const GetAllChildrenNumberResponse&) const = default;
};

// whoAmI (107).
struct WhoAmIResponse {
  std::vector<ClientInfo> client_info;
  bool operator==(const WhoAmIResponse&) const = default;
};

// addWatch (106) answers ErrorResponse{kOk} (records.h): the 4 bytes must be
// present, the Java client reads them.

void Encode(Writer& w, const EmptyResponse& v);
bool Decode(Reader& r, EmptyResponse* out);
void Encode(Writer& w, const CreateResponse& v);
bool Decode(Reader& r, CreateResponse* out);
void Encode(Writer& w, const Create2Response& v);
bool Decode(Reader& r, Create2Response* out);
void Encode(Writer& w, const ExistsResponse& v);
bool Decode(Reader& r, ExistsResponse* out);
void Encode(Writer& w, const GetDataResponse& v);
bool Decode(Reader& r, GetDataResponse* out);
void Encode(Writer& w, const SetDataResponse& v);
bool Decode(Reader& r, SetDataResponse* out);
void Encode(Writer& w, const GetAclResponse& v);
bool Decode(Reader& r, GetAclResponse* out);
void Encode(Writer& w, const SetAclResponse& v);
bool Decode(Reader& r, SetAclResponse* out);
void Encode(Writer& w, const GetChildrenResponse& v);
bool Decode(Reader& r, GetChildrenResponse* out);
void Encode(Writer& w, const GetChildren2Response& v);
bool Decode(Reader& r, GetChildren2Response* out);
void Encode(Writer& w, const SyncResponse& v);
bool Decode(Reader& r, SyncResponse* out);
void Encode(Writer& w, const SetSaslResponse& v);
bool Decode(Reader& r, SetSaslResponse* out);
void Encode(Writer& w, const GetEphemeralsResponse& v);
bool Decode(Reader& r, GetEphemeralsResponse* out);
void Encode(Writer& w, const GetAllChildrenNumberResponse& v);
bool Decode(Reader& r, GetAllChildrenNumberResponse* out);
void Encode(Writer& w, const WhoAmIResponse& v);
bool Decode(Reader& r, WhoAmIResponse* out);

}  // namespace zk::wire

#endif  // ZK_WIRE_RESPONSES_H_
