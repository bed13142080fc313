#include "wire_io.h"

namespace zk::sim {

void WriteStat(wire::Writer& w, const Stat& s) {
  w.Long(s.czxid);
  w.Long(s.mzxid);
  w.Long(s.ctime);
  w.Long(s.mtime);
  w.Int(s.version);
  w.Int(s.cversion);
  w.Int(s.aversion);
  w.Long(s.ephemeral_owner);
  w.Int(s.data_length);
  w.Int(s.num_children);
  w.Long(s.pzxid);
}

void WriteAcls(wire::Writer& w, const AclList& acl) {
  w.Int(static_cast<int32_t>(acl.size()));
  for (const Acl& a : acl) {
    w.Int(a.perms);
    w.String(a.id.scheme);
    w.String(a.id.id);
  }
}

bool ReadAcls(wire::Reader& r, AclList* out) {
  return r.Vector(out, 12, [](wire::Reader& rr, Acl* a) {
    return rr.Int(&a->perms) && rr.String(&a->id.scheme) && rr.String(&a->id.id);
  });
}

size_t BeginFrame(std::string* out) {
  size_t start = out->size();
  out->append(4, '\0');
  return start;
}

void EndFrame(std::string* out, size_t start) {
  auto len = static_cast<uint32_t>(out->size() - start - 4);
  (*out)[start] = static_cast<char>(len >> 24);
  (*out)[start + 1] = static_cast<char>(len >> 16);
  (*out)[start + 2] = static_cast<char>(len >> 8);
  (*out)[start + 3] = static_cast<char>(len);
}

void WriteReplyHeader(wire::Writer& w, int32_t xid, int64_t zxid, int32_t err) {
  w.Int(xid);
  w.Long(zxid);
  w.Int(err);
}

}  // namespace zk::sim
