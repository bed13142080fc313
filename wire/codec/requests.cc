#include "zk/wire/requests.h"

namespace zk::wire {
void Encode(Writer&, const PingRequest&) {}
bool Decode(Reader& r, PingRequest*) { return r.ok(); }
void Encode(Writer&, const CloseSessionRequest&) {}
bool Decode(Reader& r, CloseSessionRequest*) { return r.ok(); }
void Encode(Writer&, const WhoAmIRequest&) {}
bool Decode(Reader& r, WhoAmIRequest*) { return r.ok(); }

void Encode(Writer& w, const CreateRequest& v) {
  w.String(v.path);
  w.NullableBuffer(v.data);
  EncodeAcls(w, v.acl);
  w.Enum(v.flags);
}

bool Decode(Reader& r, CreateRequest* out) {
  return r.String(&out->path) && r.NullableBuffer(&out->data) && DecodeAcls(r, &out->acl) &&
         r.Enum(&out->flags);
}

void Encode(Writer& w, const CreateTtlRequest& v) {
  w.String(v.path);
  w.NullableBuffer(v.data);
  EncodeAcls(w, v.acl);
  w.Enum(v.flags);
  w.Long(v.ttl);
}

bool Decode(Reader& r, CreateTtlRequest* out) {
  return r.String(&out->path) && r.NullableBuffer(&out->data) && DecodeAcls(r, &out->acl) &&
         r.Enum(&out->flags) && r.Long(&out->ttl);
}

void Encode(Writer& w, const DeleteRequest& v) {
  w.String(v.path);
  w.Int(v.version);
}

bool Decode(Reader& r, DeleteRequest* out) { return r.String(&out->path) && r.Int(&out->version); }

void Encode(Writer& w, const ExistsRequest& v) {
  w.String(v.path);
  w.Bool(v.watch);
}

bool Decode(Reader& r, ExistsRequest* out) { return r.String(&out->path) && r.Bool(&out->watch); }

void Encode(Writer& w, const GetDataRequest& v) {
  w.String(v.path);
  w.Bool(v.watch);
}

bool Decode(Reader& r, GetDataRequest* out) { return r.String(&out->path) && r.Bool(&out->watch); }

void Encode(Writer& w, const SetDataRequest& v) {
  w.String(v.path);
  w.NullableBuffer(v.data);
  w.Int(v.version);
}

bool Decode(Reader& r, SetDataRequest* out) {
  return r.String(&out->path) && r.NullableBuffer(&out->data) && r.Int(&out->version);
}

void Encode(Writer& w, const GetAclRequest& v) { w.String(v.path); }

bool Decode(Reader& r, GetAclRequest* out) { return r.String(&out->path); }

void Encode(Writer& w, const SetAclRequest& v) {
  w.String(v.path);
  EncodeAcls(w, v.acl);
  w.Int(v.version);
}

bool Decode(Reader& r, SetAclRequest* out) {
  return r.String(&out->path) && DecodeAcls(r, &out->acl) && r.Int(&out->version);
}

void Encode(Writer& w, const GetChildrenRequest& v) {
  w.String(v.path);
  w.Bool(v.watch);
}

bool Decode(Reader& r, GetChildrenRequest* out) {
  return r.String(&out->path) && r.Bool(&out->watch);
}

void Encode(Writer& w, const GetChildren2Request& v) {
  w.String(v.path);
  w.Bool(v.watch);
}

bool Decode(Reader& r, GetChildren2Request* out) {
  return r.String(&out->path) && r.Bool(&out->watch);
}

void Encode(Writer& w, const CheckVersionRequest& v) {
  w.String(v.path);
  w.Int(v.version);
}

bool Decode(Reader& r, CheckVersionRequest* out) {
  return r.String(&out->path) && r.Int(&out->version);
}

void Encode(Writer& w, const SyncRequest& v) { w.String(v.path); }

bool Decode(Reader& r, SyncRequest* out) { return r.String(&out->path); }

void Encode(Writer& w, const ReconfigRequest& v) {
  w.NullableString(v.joining_servers);
  w.NullableString(v.leaving_servers);
  w.NullableString(v.new_members);
  w.Long(v.cur_config_id);
}

bool Decode(Reader& r, ReconfigRequest* out) {
  return r.NullableString(&out->joining_servers) && r.NullableString(&out->leaving_servers) &&
         r.NullableString(&out->new_members) && r.Long(&out->cur_config_id);
}

void Encode(Writer& w, const AuthPacket& v) {
  w.Int(v.type);
  w.String(v.scheme);
  w.NullableBuffer(v.auth);
}

bool Decode(Reader& r, AuthPacket* out) {
  return r.Int(&out->type) && r.String(&out->scheme) && r.NullableBuffer(&out->auth);
}

void Encode(Writer& w, const SetWatches& v) {
  w.Long(v.relative_zxid);
  w.StringVector(v.data_watches);
  w.StringVector(v.exist_watches);
  w.StringVector(v.child_watches);
}

bool Decode(Reader& r, SetWatches* out) {
  return r.Long(&out->relative_zxid) && r.StringVector(&out->data_watches) &&
         r.StringVector(&out->exist_watches) && r.StringVector(&out->child_watches);
}

void Encode(Writer& w, const SetWatches2& v) {
  w.Long(v.relative_zxid);
  w.StringVector(v.data_watches);
  w.StringVector(v.exist_watches);
  w.StringVector(v.child_watches);
  w.StringVector(v.persistent_watches);
  w.StringVector(v.persistent_recursive_watches);
}

bool Decode(Reader& r, SetWatches2* out) {
  return r.Long(&out->relative_zxid) && r.StringVector(&out->data_watches) &&
         r.StringVector(&out->exist_watches) && r.StringVector(&out->child_watches) &&
         r.StringVector(&out->persistent_watches) &&
         r.StringVector(&out->persistent_recursive_watches);
}

void Encode(Writer& w, const CheckWatchesRequest& v) {
  w.String(v.path);
  w.Enum(v.type);
}

bool Decode(Reader& r, CheckWatchesRequest* out) {
  return r.String(&out->path) && r.Enum(&out->type);
}

void Encode(Writer& w, const RemoveWatchesRequest& v) {
  w.String(v.path);
  w.Enum(v.type);
}

bool Decode(Reader& r, RemoveWatchesRequest* out) {
  return r.String(&out->path) && r.Enum(&out->type);
}

void Encode(Writer& w, const AddWatchRequest& v) {
  w.String(v.path);
  w.Enum(v.mode);
}

bool Decode(Reader& r, AddWatchRequest* out) { return r.String(&out->path) && r.Enum(&out->mode); }

void Encode(Writer& w, const GetSaslRequest& v) { w.NullableBuffer(v.token); }

bool Decode(Reader& r, GetSaslRequest* out) { return r.NullableBuffer(&out->token); }

void Encode(Writer& w, const GetEphemeralsRequest& v) { w.NullableString(v.prefix_path); }

bool Decode(Reader& r, GetEphemeralsRequest* out) { return r.NullableString(&out->prefix_path); }

void Encode(Writer& w, const GetAllChildrenNumberRequest& v) { w.String(v.path); }

bool Decode(Reader& r, GetAllChildrenNumberRequest* out) { return r.String(&out->path); }

}  // namespace zk::wire
