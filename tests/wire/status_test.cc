#include <catch2/catch.hpp>

#include "zk/wire/error.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

TEST_CASE("every error has a C name, a message and maps back from its code") {
  std::size_t n = 0;
  const zk::Error* all = zk::AllErrors(&n);
  REQUIRE(n == 36);
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(zk::ErrorName(all[i]).substr(0, 1) == "Z");
    CHECK(zk::ErrorMessage(all[i]) != "Unknown error");
    auto back = zk::ErrorFromCode(zk::ErrorCode(all[i]));
    REQUIRE(back.has_value());
    CHECK(*back == all[i]);
  }
  CHECK(zk::ErrorName(zk::Error::kNoNode) == "ZNONODE");
  CHECK(zk::ErrorMessage(zk::Error::kNotEmpty) == "Directory not empty");
  CHECK(zk::ErrorMessage(zk::Error::kReconfigDisabled) == "Reconfig is disabled");
  CHECK_FALSE(zk::ErrorFromCode(-126).has_value());
  CHECK_FALSE(zk::ErrorFromCode(1).has_value());
  CHECK(fmt::format("{}", zk::Error::kBadVersion) == "ZBADVERSION");
}

TEST_CASE("Status and Result carry errors as values") {
  zk::Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  zk::Status bad(zk::Error::kBadArguments, "line 2: missing '='");
  CHECK_FALSE(bad.ok());
  CHECK(bad.ToString() == "ZBADARGUMENTS: line 2: missing '='");
  CHECK(zk::Status(zk::Error::kNoNode).ToString() == "ZNONODE (NoNode)");

  zk::Result<int> r = 5;
  REQUIRE(r.ok());
  CHECK(*r == 5);
  CHECK(r.status().ok());
  zk::Result<int> e = zk::Status(zk::Error::kNoAuth, "x");
  CHECK_FALSE(e.ok());
  CHECK(e.status().code() == zk::Error::kNoAuth);
}

TEST_CASE("HostPort prints IPv6 literals in brackets") {
  CHECK(zk::HostPort{"127.0.0.1", 2181}.ToString() == "127.0.0.1:2181");
  CHECK(zk::HostPort{"::1", 2181}.ToString() == "[::1]:2181");
  CHECK(zk::HostPort{"h", 2181} != zk::HostPort{"h", 2182});
}
