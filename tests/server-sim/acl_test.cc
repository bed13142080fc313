#include <catch2/catch.hpp>

#include "acl.h"
#include "sha1.h"

using namespace zk::sim;

TEST_CASE("digest ids match ZooKeeper's DigestAuthenticationProvider") {
  // Known value: generateDigest("super:zkbalance-test") is computed the same
  // way by tests/interop/zkensemble.py (sha1 + base64).
  CHECK(DigestId("user:pw").rfind("user:", 0) == 0);
  auto h = Sha1("abc");
  CHECK(Base64(h.data(), h.size()) == "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
  auto e = Sha1("");
  CHECK(Base64(e.data(), e.size()) == "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  std::string long_input(1000, 'a');
  auto l = Sha1(long_input);
  CHECK(Base64(l.data(), l.size()) == "KR6abGaZSUm1e6XmUDYemPw2sbo=");
  auto b56 = Sha1(std::string(56, 'a'));
  CHECK(Base64(b56.data(), b56.size()) == "wtszD2CDhUyZ1LW/tujynyAb5pk=");
  CHECK(DigestId("super:zkbalance-test") == "super:Wld4W5lcg95+nlyDmUL+CKf8Hmc=");
}

TEST_CASE("CheckAcl: world, digest, ip, super, skipACL") {
  AuthInfo anon;
  anon.Add({"ip", "127.0.0.1"});
  AclList open = OpenAclUnsafe();
  CHECK(CheckAcl(open, anon, kPermWrite, false));
  AclList ro = ReadAclUnsafe();
  CHECK(CheckAcl(ro, anon, kPermRead, false));
  CHECK_FALSE(CheckAcl(ro, anon, kPermWrite, false));
  CHECK(CheckAcl(ro, anon, kPermWrite, true));

  AclList dig = {Acl{kPermAll, {"digest", DigestId("u:p")}}};
  CHECK_FALSE(CheckAcl(dig, anon, kPermRead, false));
  AuthInfo user = anon;
  user.Add({"digest", DigestId("u:p")});
  CHECK(CheckAcl(dig, user, kPermRead, false));

  AclList ip = {Acl{kPermRead, {"ip", "127.0.0.0/8"}}};
  CHECK(CheckAcl(ip, anon, kPermRead, false));
  AclList ip2 = {Acl{kPermRead, {"ip", "10.0.0.1"}}};
  CHECK_FALSE(CheckAcl(ip2, anon, kPermRead, false));

  AuthInfo su = anon;
  su.Add({"super", ""});
  CHECK(CheckAcl(dig, su, kPermAdmin, false));
}

TEST_CASE("FixupAcl expands auth and rejects bad lists") {
  AuthInfo anon;
  anon.Add({"ip", "127.0.0.1"});
  CHECK(FixupAcl({}, anon).status().code() == zk::Error::kInvalidAcl);
  CHECK(FixupAcl({Acl{31, {"auth", ""}}}, anon).status().code() == zk::Error::kInvalidAcl);
  CHECK(FixupAcl({Acl{31, {"digest", "nocolon"}}}, anon).status().code() ==
        zk::Error::kInvalidAcl);
  CHECK(FixupAcl({Acl{31, {"nosuch", "x"}}}, anon).status().code() == zk::Error::kInvalidAcl);
  AuthInfo user = anon;
  user.Add({"digest", "u:abc"});
  auto r = FixupAcl({Acl{31, {"auth", ""}}}, user);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].id == AclId{"digest", "u:abc"});
  CHECK(PermString(31) == "cdrwa");
  CHECK(PermString(1) == "r");
}
