// ZooKeeper ACLs on the server side: ids, permission checks, validation and
// the expansion of the `auth` scheme. Pure functions; no I/O.
#ifndef ZK_SIM_ACL_H_
#define ZK_SIM_ACL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zk/wire/status.h"

namespace zk::sim {

enum Perm : int32_t {
  kPermRead = 1,
  kPermWrite = 2,
  kPermCreate = 4,
  kPermDelete = 8,
  kPermAdmin = 16,
  kPermAll = 31,
};

struct AclId {
  std::string scheme;
  std::string id;
  friend bool operator==(const AclId&, const AclId&) = default;
};

struct Acl {
  int32_t perms = 0;
  AclId id;
  friend bool operator==(const Acl&, const Acl&) = default;
};

using AclList = std::vector<Acl>;

AclList OpenAclUnsafe();  // [31, world:anyone]
AclList ReadAclUnsafe();  // [1, world:anyone]

// What a connection has authenticated as: always ip:<addr>, plus one id per
// successful `addauth`, plus super:"" for the super digest.
struct AuthInfo {
  std::vector<AclId> ids;
  bool IsSuper() const;
  void Add(AclId id);
};

// True if `acl` grants `perm` to `auth`. `skip_acl` (zoo.cfg skipACL=yes) and
// super sessions pass every check; an empty list grants everything, as
// ZooKeeper's checkACL does. `perm` is meant to be one bit: with several,
// an entry granting any of them passes (check bits one by one for "all").
bool CheckAcl(const AclList& acl, const AuthInfo& auth, int32_t perm, bool skip_acl);

// Validates an ACL list for create/setACL and expands `auth` entries into the
// caller's ids (ip ids excluded, as ZooKeeper's fixupACL only expands
// authentication providers that are "authenticated"). ZINVALIDACL on an empty
// list, an unknown scheme, a malformed digest id, or `auth` with no ids.
Result<AclList> FixupAcl(const AclList& acl, const AuthInfo& auth);

// "cdrwa"-ordered letters, as zkCli prints them.
std::string PermString(int32_t perms);

}  // namespace zk::sim

#endif  // ZK_SIM_ACL_H_
