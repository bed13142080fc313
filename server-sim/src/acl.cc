#include "acl.h"

#include <algorithm>

namespace zk::sim {

AclList OpenAclUnsafe() { return {Acl{kPermAll, {"world", "anyone"}}}; }
AclList ReadAclUnsafe() { return {Acl{kPermRead, {"world", "anyone"}}}; }

bool AuthInfo::IsSuper() const {
  return std::any_of(ids.begin(), ids.end(), [](const AclId& i) { return i.scheme == "super"; });
}

void AuthInfo::Add(AclId id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
}

namespace {

// ip ACL ids may be an address or address/prefix-bits (IPv4 only here).
bool IpMatches(const std::string& acl_id, const std::string& addr) {
  auto slash = acl_id.find('/');
  if (slash == std::string::npos) return acl_id == addr;
  auto parse = [](const std::string& s, uint32_t* out) {
    uint32_t v = 0;
    int parts = 0;
    size_t i = 0;
    while (i <= s.size() && parts < 4) {
      size_t j = s.find('.', i);
      if (j == std::string::npos) j = s.size();
      if (j == i || j - i > 3) return false;
      int octet = 0;
      for (size_t k = i; k < j; ++k) {
        if (s[k] < '0' || s[k] > '9') return false;
        octet = octet * 10 + (s[k] - '0');
      }
      if (octet > 255) return false;
      v = (v << 8) | uint32_t(octet);
      ++parts;
      i = j + 1;
    }
    *out = v;
    return parts == 4;
  };
  uint32_t net = 0, a = 0;
  if (!parse(acl_id.substr(0, slash), &net) || !parse(addr, &a)) return false;
  int bits = std::atoi(acl_id.c_str() + slash + 1);
  if (bits < 0 || bits > 32) return false;
  uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
  return (net & mask) == (a & mask);
}

}  // namespace

bool CheckAcl(const AclList& acl, const AuthInfo& auth, int32_t perm, bool skip_acl) {
  if (skip_acl || auth.IsSuper() || acl.empty()) return true;
  for (const Acl& a : acl) {
    if ((a.perms & perm) == 0) continue;
    if (a.id.scheme == "world" && a.id.id == "anyone") return true;
    for (const AclId& id : auth.ids) {
      if (id.scheme != a.id.scheme) continue;
      if (id.scheme == "ip" ? IpMatches(a.id.id, id.id) : id.id == a.id.id) return true;
    }
  }
  return false;
}

Result<AclList> FixupAcl(const AclList& acl, const AuthInfo& auth) {
  if (acl.empty()) return Status(Error::kInvalidAcl, "empty ACL");
  AclList out;
  for (const Acl& a : acl) {
    if (a.id.scheme == "world") {
      if (a.id.id != "anyone") return Status(Error::kInvalidAcl, "world id must be anyone");
      out.push_back(a);
    } else if (a.id.scheme == "auth") {
      bool any = false;
      for (const AclId& id : auth.ids) {
        if (id.scheme == "ip") continue;
        out.push_back(Acl{a.perms, id});
        any = true;
      }
      if (!any) return Status(Error::kInvalidAcl, "auth scheme with no authenticated ids");
    } else if (a.id.scheme == "digest") {
      auto colon = a.id.id.find(':');
      if (colon == std::string::npos || colon == 0 || a.id.id.find(':', colon + 1) != std::string::npos)
        return Status(Error::kInvalidAcl, "digest id must be user:hash");
      out.push_back(a);
    } else if (a.id.scheme == "ip") {
      if (a.id.id.empty()) return Status(Error::kInvalidAcl, "empty ip id");
      out.push_back(a);
    } else if (a.id.scheme == "super") {
      out.push_back(a);
    } else if (a.id.scheme == "x509" || a.id.scheme == "sasl") {
      // ZooKeeper needs authProvider.N=...X509AuthenticationProvider /
      // SASLAuthenticationProvider for these; zksim always knows them.
      if (a.id.id.empty()) return Status(Error::kInvalidAcl, "empty " + a.id.scheme + " id");
      out.push_back(a);
    } else {
      return Status(Error::kInvalidAcl, "unknown scheme " + a.id.scheme);
    }
  }
  return out;
}

std::string PermString(int32_t perms) {
  std::string s;
  if (perms & kPermCreate) s += 'c';
  if (perms & kPermDelete) s += 'd';
  if (perms & kPermRead) s += 'r';
  if (perms & kPermWrite) s += 'w';
  if (perms & kPermAdmin) s += 'a';
  return s;
}

}  // namespace zk::sim
