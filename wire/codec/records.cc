#include "zk/wire/records.h"

#include <fmt/format.h>

namespace zk::wire {
std::vector<Acl> OpenAclUnsafe() {
  return {Acl{kPermAll, Id{std::string(kSchemeWorld), std::string(kIdAnyone)}}};
}

std::vector<Acl> ReadAclUnsafe() {
  return {Acl{kPermRead, Id{std::string(kSchemeWorld), std::string(kIdAnyone)}}};
}

std::vector<Acl> CreatorAllAcl() { return {Acl{kPermAll, Id{std::string(kSchemeAuth), ""}}}; }

void Encode(Writer& w, const Id& v) {
  w.String(v.scheme);
  w.String(v.id);
}

bool Decode(Reader& r, Id* out) { return r.String(&out->scheme) && r.String(&out->id); }

void Encode(Writer& w, const Acl& v) {
  w.Int(v.perms);
  Encode(w, v.id);
}

bool Decode(Reader& r, Acl* out) { return r.Int(&out->perms) && Decode(r, &out->id); }

void EncodeAcls(Writer& w, const std::vector<Acl>& v) {
  w.Vector(v, [](Writer& w2, const Acl& a) { Encode(w2, a); });
}

bool DecodeAcls(Reader& r, std::vector<Acl>* out) {
  return r.Vector(out, 12, [](Reader& r2, Acl* a) { return Decode(r2, a); });
}

void Encode(Writer& w, const Stat& v) {
  w.Long(v.czxid);
  w.Long(v.mzxid);
  w.Long(v.ctime);
  w.Long(v.mtime);
  w.Int(v.version);
  w.Int(v.cversion);
  w.Int(v.aversion);
  w.Long(v.ephemeral_owner);
  w.Int(v.data_length);
  w.Int(v.num_children);
  w.Long(v.pzxid);
}

bool Decode(Reader& r, Stat* out) {
  return r.Long(&out->czxid) && r.Long(&out->mzxid) && r.Long(&out->ctime) && r.Long(&out->mtime) &&
         r.Int(&out->version) && r.Int(&out->cversion) && r.Int(&out->aversion) &&
         r.Long(&out->ephemeral_owner) && r.Int(&out->data_length) && r.Int(&out->num_children) &&
         r.Long(&out->pzxid);
}

void Encode(Writer& w, const ClientInfo& v) {
  w.String(v.auth_scheme);
  w.String(v.user);
}

bool Decode(Reader& r, ClientInfo* out) {
  return r.String(&out->auth_scheme) && r.String(&out->user);
}

void Encode(Writer& w, const ConnectRequest& v) {
  w.Int(v.protocol_version);
  w.Long(v.last_zxid_seen);
  w.Int(v.timeout_ms);
  w.Long(v.session_id);
  w.Buffer(v.passwd);
  if (!v.legacy_form) w.Bool(v.read_only);
}

bool Decode(Reader& r, ConnectRequest* out) {
  if (!(r.Int(&out->protocol_version) && r.Long(&out->last_zxid_seen) && r.Int(&out->timeout_ms) &&
        r.Long(&out->session_id) && r.Buffer(&out->passwd))) {
    return false;
  }
  // As the Java server: the readOnly byte is read only if it is there.
  out->legacy_form = r.AtEnd();
  out->read_only = false;
  return out->legacy_form || r.Bool(&out->read_only);
}

void Encode(Writer& w, const ConnectResponse& v) {
  w.Int(v.protocol_version);
  w.Int(v.timeout_ms);
  w.Long(v.session_id);
  w.Buffer(v.passwd);
  if (!v.legacy_form) w.Bool(v.read_only);
}

bool Decode(Reader& r, ConnectResponse* out) {
  if (!(r.Int(&out->protocol_version) && r.Int(&out->timeout_ms) && r.Long(&out->session_id) &&
        r.Buffer(&out->passwd))) {
    return false;
  }
  out->legacy_form = r.AtEnd();
  out->read_only = false;
  return out->legacy_form || r.Bool(&out->read_only);
}

void Encode(Writer& w, const RequestHeader& v) {
  w.Int(v.xid);
  w.Enum(v.type);
}

bool Decode(Reader& r, RequestHeader* out) { return r.Int(&out->xid) && r.Enum(&out->type); }

void Encode(Writer& w, const ReplyHeader& v) {
  w.Int(v.xid);
  w.Long(v.zxid);
  w.Enum(v.err);
}

bool Decode(Reader& r, ReplyHeader* out) {
  return r.Int(&out->xid) && r.Long(&out->zxid) && r.Enum(&out->err);
}

void Encode(Writer& w, const MultiHeader& v) {
  w.Enum(v.type);
  w.Bool(v.done);
  w.Int(v.err);
}

bool Decode(Reader& r, MultiHeader* out) {
  return r.Enum(&out->type) && r.Bool(&out->done) && r.Int(&out->err);
}

void Encode(Writer& w, const WatcherEvent& v) {
  w.Enum(v.type);
  w.Enum(v.state);
  w.String(v.path);
}

bool Decode(Reader& r, WatcherEvent* out) {
  return r.Enum(&out->type) && r.Enum(&out->state) && r.String(&out->path);
}

std::string FormatWatchedEvent(const WatcherEvent& event) {
  return fmt::format("WatchedEvent state:{} type:{} path:{}", event.state, event.type, event.path);
}

void Encode(Writer& w, const ErrorResponse& v) { w.Enum(v.err); }

bool Decode(Reader& r, ErrorResponse* out) { return r.Enum(&out->err); }

}  // namespace zk::wire
