#include "zk/wire/connect_string.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "zk/wire/znode_path.h"

namespace zk::wire {
namespace {

TEST_CASE("connect strings: hosts, default port, chroot") {
  auto cs = ParseConnectString(
      "ZK1.example.com:2181, zk2:2182 ,[::1]:2183,[2001:DB8::1],127.0.0.1/app/x");
  REQUIRE(cs.ok());
  REQUIRE(cs->hosts.size() == 5);
  CHECK(cs->hosts[0] == HostPort{"zk1.example.com", 2181});  // lowercased
  CHECK(cs->hosts[1] == HostPort{"zk2", 2182});
  CHECK(cs->hosts[2] == HostPort{"0:0:0:0:0:0:0:1", 2183});  // canonical IPv6, no brackets
  CHECK(cs->hosts[3] == HostPort{"2001:db8:0:0:0:0:0:1", kDefaultClientPort});
  CHECK(cs->hosts[4] == HostPort{"127.0.0.1", 2181});
  CHECK(cs->chroot == "/app/x");
  CHECK(cs->ToString() ==
        "zk1.example.com:2181,zk2:2182,[0:0:0:0:0:0:0:1]:2183,[2001:db8:0:0:0:0:0:1]:2181,"
        "127.0.0.1:2181/app/x");
  auto again = ParseConnectString(cs->ToString());
  REQUIRE(again.ok());
  CHECK(*again == *cs);
}

TEST_CASE("connect string without ports (item 4): the default port 2181, as Java and kazoo") {
  auto cs = ParseConnectString("zk1,zk2:2182,[::1]");
  REQUIRE(cs.ok());
  CHECK(cs->hosts ==
        std::vector<HostPort>{{"zk1", 2181}, {"zk2", 2182}, {"0:0:0:0:0:0:0:1", 2181}});
  CHECK(cs->chroot.empty());
  cs = ParseConnectString("localhost/app");
  REQUIRE(cs.ok());
  CHECK(cs->hosts == std::vector<HostPort>{{"localhost", 2181}});
  CHECK(cs->chroot == "/app");
  // Java (3.8 ConnectStringParser, checked) splits an unbracketed element at
  // its last ':', so bare "::1" is host ":" on port 1 there; we refuse it.
  auto bare = ParseConnectString("::1");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.status().message() ==
        "host 1: \"::1\": an IPv6 address must be written in brackets, as [::1]");
}

TEST_CASE("connect strings: forms Java's ConnectStringParser accepts") {
  struct Case {
    const char* input;
    const char* printed;
  };
  const std::vector<Case> cases = {
      {"host", "host:2181"},
      {"host:", "host:2181"},  // a trailing ':' means the default port
      {",a,,b ,", "a:2181,b:2181"},
      {"a/", "a:2181"},  // "/" is no chroot
      {"a:1/b c", "a:1/b c"},
      // `config -c` prints IPv6 without brackets; the last ':' splits.
      {"0:0:0:0:0:0:0:1:2181", "[0:0:0:0:0:0:0:1]:2181"},
      {"[::ffff:10.0.0.1]:5", "10.0.0.1:5"},
      {"127.1:5", "127.0.0.1:5"},
      {"a:0002181", "a:2181"},
      // ... which also splits "2001:db8::1:2181" into [2001:db8::1]:2181.
      {"2001:db8::1:2181", "[2001:db8:0:0:0:0:0:1]:2181"},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    auto cs = ParseConnectString(c.input);
    REQUIRE(cs.ok());
    CHECK(cs->ToString() == c.printed);
  }
}

TEST_CASE("connect strings: errors name the element and the problem") {
  struct Case {
    const char* input;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"", "connect string \"\" has no hosts"},
      {" , ,", "connect string \" , ,\" has no hosts"},
      {"/chroot", "connect string \"/chroot\" has no hosts"},
      {"a:1,:2181", "host 2: \":2181\": empty host"},
      {"[]:2181", "host 1: \"[]:2181\": \"\" is not an IPv6 address"},
      {"a:x", "host 1: \"a:x\": port \"x\" is not a number"},
      {"a:-1", "host 1: \"a:-1\": port \"-1\" is not a number"},
      {"a:99999", "host 1: \"a:99999\": port 99999 out of range 1..65535"},
      {"a:0", "host 1: \"a:0\": port 0 out of range 1..65535"},
      {"a,b:1x", "host 2: \"b:1x\": port \"1x\" is not a number"},
      {"[::1", "host 1: \"[::1\" starts with '[' but has no matching ']'"},
      {"[::1]x", "host 1: \"[::1]x\" does not have : after ]"},
      {"[::1]:", "host 1: \"[::1]:\" doesn't have a port after colon"},
      {"[foo]:1", "host 1: \"[foo]:1\": \"foo\" is not an IPv6 address"},
      {"::1", "host 1: \"::1\": an IPv6 address must be written in brackets, as [::1]"},
      {"2001:db8::1",
       "host 1: \"2001:db8::1\": an IPv6 address must be written in brackets, as [2001:db8::1]"},
      {"a b:1", "host 1: \"a b:1\": invalid character in host"},
      {"a:1/b/", "chroot: Path must not end with / character"},
      {"a:1//b", "chroot: Invalid path string \"//b\" caused by empty node name specified @1"},
      {"a:1/./b", "chroot: Invalid path string \"/./b\" caused by relative paths not allowed @1"},
      {"a:1/b/..", "chroot: Invalid path string \"/b/..\" caused by relative paths not allowed @4"},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    auto cs = ParseConnectString(c.input);
    REQUIRE_FALSE(cs.ok());
    CHECK(cs.status().code() == Error::kBadArguments);
    CHECK(cs.status().message() == c.message);
  }
}

TEST_CASE("znode paths: a sequential create's path is checked with its counter") {
  CHECK(ValidateZnodePath("/a/", true).ok());
  CHECK(ValidateZnodePath("/", true).ok());
  CHECK_FALSE(ValidateZnodePath("/a/", false).ok());
  CHECK(ValidateZnodePath("a", true).message() == "Path must start with / character");
  CHECK(ValidateZnodePath("/a//", true).code() == Error::kBadArguments);
}

TEST_CASE("chroot stripping: the chroot itself is /, paths outside it are kept") {
  CHECK(StripChroot("", "/a") == "/a");
  CHECK(StripChroot("/app", "/app") == "/");
  CHECK(StripChroot("/app", "/app/x/y") == "/x/y");
  CHECK(StripChroot("/app", "/apple") == "/apple");
  CHECK(StripChroot("/app", "/other") == "/other");
}

TEST_CASE("server addresses: one host:port, normalised") {
  CHECK(ParseServerAddress("Zk1:2181").value() == HostPort{"zk1", 2181});
  CHECK(ParseServerAddress("[FE80::1]:2181").value() == HostPort{"fe80::1", 2181});
  CHECK(ParseServerAddress("a:21x").status().message() ==
        "\"a:21x\" is not host:port (port must be 1..65535)");
  CHECK(ParseServerAddress("fe80::1:2181").status().code() == Error::kBadArguments);
  CHECK_FALSE(ParseServerAddress("a").ok());
  CHECK_FALSE(ParseServerAddress("[::1").ok());
  CHECK_FALSE(ParseServerAddress("a:0").ok());
}

TEST_CASE("znode paths: ZooKeeper's PathUtils rules") {
  CHECK(ValidateZnodePath("/").ok());
  CHECK(ValidateZnodePath("/a/b.c/..d/...").ok());
  CHECK(ValidateZnodePath("/zookeeper/config").ok());
  CHECK(ValidateZnodePath("/caf\xc3\xa9").ok());  // é
  CHECK(ValidateZnodePath("").message() == "Path length must be > 0");
  CHECK(ValidateZnodePath("a").message() == "Path must start with / character");
  const std::string nul("/a\0b", 4);
  CHECK(ValidateZnodePath(nul).message() ==
        "Invalid path string \"" + nul + "\" caused by null character not allowed @2");
  CHECK(ValidateZnodePath("/a\x01").message() ==
        "Invalid path string \"/a\x01\" caused by invalid character @2");
  CHECK(ValidateZnodePath("/\xc2\x80").message() ==  // U+0080
        "Invalid path string \"/\xc2\x80\" caused by invalid character @1");
  CHECK(ValidateZnodePath("/x\xf0\x9f\x98\x80").message() ==  // a surrogate pair in Java
        "Invalid path string \"/x\xf0\x9f\x98\x80\" caused by invalid character @2");
  CHECK(ValidateZnodePath("/\xff").message() ==  // invalid UTF-8 decodes to U+FFFD
        "Invalid path string \"/\xff\" caused by invalid character @1");
  CHECK(ValidateZnodePath("/a/.").message() ==
        "Invalid path string \"/a/.\" caused by relative paths not allowed @3");
}

}  // namespace
}  // namespace zk::wire
