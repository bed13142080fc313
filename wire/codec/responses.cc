#include "zk/wire/responses.h"

namespace zk::wire {

void Encode(Writer&, const EmptyResponse&) {}
bool Decode(Reader& r, EmptyResponse*) { return r.ok(); }

void Encode(Writer& w, const CreateResponse& v) { w.String(v.path); }

bool Decode(Reader& r, CreateResponse* out) { return r.String(&out->path); }

void Encode(Writer& w, const Create2Response& v) {
  w.String(v.path);
  Encode(w, v.stat);
}

bool Decode(Reader& r, Create2Response* out) {
  return r.String(&out->path) && Decode(r, &out->stat);
}

void Encode(Writer& w, const ExistsResponse& v) { Encode(w, v.stat); }

bool Decode(Reader& r, ExistsResponse* out) { return Decode(r, &out->stat); }

void Encode(Writer& w, const GetDataResponse& v) {
  w.NullableBuffer(v.data);
  Encode(w, v.stat);
}

bool Decode(Reader& r, GetDataResponse* out) {
  return r.NullableBuffer(&out->data) && Decode(r, &out->stat);
}

void Encode(Writer& w, const SetDataResponse& v) { Encode(w, v.stat); }

bool Decode(Reader& r, SetDataResponse* out) { return Decode(r, &out->stat); }

void Encode(Writer& w, const GetAclResponse& v) {
  EncodeAcls(w, v.acl);
  Encode(w, v.stat);
}

bool Decode(Reader& r, GetAclResponse* out) {
  return DecodeAcls(r, &out->acl) && Decode(r, &out->stat);
}

void Encode(Writer& w, const SetAclResponse& v) { Encode(w, v.stat); }

bool Decode(Reader& r, SetAclResponse* out) { return Decode(r, &out->stat); }

void Encode(Writer& w, const GetChildrenResponse& v) { w.StringVector(v.children); }

bool Decode(Reader& r, GetChildrenResponse* out) { return r.StringVector(&out->children); }

void Encode(Writer& w, const GetChildren2Response& v) {
  w.StringVector(v.children);
  Encode(w, v.stat);
}

bool Decode(Reader& r, GetChildren2Response* out) {
  return r.StringVector(&out->children) && Decode(r, &out->stat);
}

void Encode(Writer& w, const SyncResponse& v) { w.String(v.path); }

bool Decode(Reader& r, SyncResponse* out) { return r.String(&out->path); }

void Encode(Writer& w, const SetSaslResponse& v) { w.NullableBuffer(v.token); }

bool Decode(Reader& r, SetSaslResponse* out) { return r.NullableBuffer(&out->token); }

void Encode(Writer& w, const GetEphemeralsResponse& v) { w.StringVector(v.ephemerals); }

bool Decode(Reader& r, GetEphemeralsResponse* out) { return r.StringVector(&out->ephemerals); }

void Encode(Writer& w, const GetAllChildrenNumberResponse& v) { w.Int(v.total_number); }

bool Decode(Reader& r, GetAllChildrenNumberResponse* out) { return r.Int(&out->total_number); }

void Encode(Writer& w, const WhoAmIResponse& v) {
  w.Vector(v.client_info, [](Writer& w2, const ClientInfo& c) { Encode(w2, c); });
}

bool Decode(Reader& r, WhoAmIResponse* out) {
  return r.Vector(&out->client_info, 8, [](Reader& r2, ClientInfo* c) { return Decode(r2, c); });
}

}  // namespace zk::wire
