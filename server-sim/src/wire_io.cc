#include "wire_io.h"

namespace zk::sim {

wire::Stat ToWire(const Stat& s) {
  return wire::Stat{s.czxid,       s.mzxid,        s.ctime,    s.mtime,
                    s.version,     s.cversion,     s.aversion, s.ephemeral_owner,
                    s.data_length, s.num_children, s.pzxid};
}

std::vector<wire::Acl> ToWire(const AclList& acl) {
  std::vector<wire::Acl> out;
  out.reserve(acl.size());
  for (const Acl& a : acl) out.push_back({a.perms, {a.id.scheme, a.id.id}});
  return out;
}

AclList FromWire(const std::vector<wire::Acl>& acl) {
  AclList out;
  out.reserve(acl.size());
  for (const wire::Acl& a : acl) out.push_back({a.perms, {a.id.scheme, a.id.id}});
  return out;
}

CreateReq FromWire(const wire::CreateRequest& r, wire::OpCode op) {
  CreateReq c{r.path, r.data, FromWire(r.acl), static_cast<int32_t>(r.flags), -1};
  if (op == wire::OpCode::kCreateContainer) c.flags = static_cast<int32_t>(wire::CreateMode::kContainer);
  return c;
}

CreateReq FromWire(const wire::CreateTtlRequest& r) {
  return CreateReq{r.path, r.data, FromWire(r.acl), static_cast<int32_t>(r.flags), r.ttl};
}

DeleteReq FromWire(const wire::DeleteRequest& r) { return {r.path, r.version}; }
SetDataReq FromWire(const wire::SetDataRequest& r) { return {r.path, r.data, r.version}; }
SetAclReq FromWire(const wire::SetAclRequest& r) { return {r.path, FromWire(r.acl), r.version}; }
CheckReq FromWire(const wire::CheckVersionRequest& r) { return {r.path, r.version}; }

}  // namespace zk::sim
