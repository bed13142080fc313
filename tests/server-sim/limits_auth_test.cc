// Unit tests of zksim's admin credentials (admin_auth.h) and per-connection
// limits (connection_limits.h), and of ServerConnection's hooks for them:
// the Len error reason and requests held back by Sink::may_proceed.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "admin_auth.h"
#include "clock.h"
#include "connection_limits.h"
#include "ensemble.h"
#include "server_connection.h"
#include "sha1.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"

using namespace zk::sim;

TEST_CASE("admin credentials: digest and Basic carry user:password; anything else is refused") {
  CHECK(CredentialsOf("digest op:s3cret").value() == "op:s3cret");
  CHECK(CredentialsOf("Digest op:s:ec").value() == "op:s:ec");  // the password may hold ':'
  CHECK(CredentialsOf("Basic b3A6czNjcmV0").value() == "op:s3cret");
  CHECK(CredentialsOf("basic b3A6czNjcmV0").value() == "op:s3cret");
  CHECK(CredentialsOf("Basic %%%").status().message() == "Authorization Basic: bad base64");
  CHECK(CredentialsOf("ip").status().code() == zk::Error::kAuthFailed);
  CHECK(CredentialsOf("Bearer abc").status().message().find("\"bearer\" is not digest or Basic") !=
        std::string::npos);
  CHECK(CredentialsOf("digest nocolon").status().message() ==
        "Authorization credentials must be user:password");
  CHECK_FALSE(CredentialsOf("digest :pw").ok());
}

TEST_CASE("control commands need the admin or super credentials; reads are open") {
  const std::string admin = DigestId("op:s3cret"), super = DigestId("super:pw");
  CHECK(CheckControlAuth("monitor", "", admin, super).http_status == 200);
  CHECK(CheckControlAuth("connections", "", "", "").http_status == 200);
  for (const char* cmd : {"shed_connections", "kill", "start", "isolate", "lag"}) {
    INFO(cmd);
    CHECK(IsControlCommand(cmd));
    auto none = CheckControlAuth(cmd, "digest op:s3cret", "", "");
    CHECK(none.http_status == 403);
    CHECK(none.error.find("--admin-auth") != std::string::npos);
    CHECK(CheckControlAuth(cmd, "", admin, super).http_status == 401);
    CHECK(CheckControlAuth(cmd, "digest op:wrong", admin, super).http_status == 401);
    CHECK(CheckControlAuth(cmd, "digest op:s3cret", admin, super).http_status == 200);
    CHECK(CheckControlAuth(cmd, "Basic b3A6czNjcmV0", admin, "").http_status == 200);
    CHECK(CheckControlAuth(cmd, "digest super:pw", "", super).http_status == 200);
  }
  CHECK_FALSE(IsControlCommand("shed"));  // an alias, resolved before the check
}

TEST_CASE("admin credentials file: the first line, user:password") {
  CHECK(ParseAdminCredentials("op:s3cret\n").value() == "op:s3cret");
  CHECK(ParseAdminCredentials("  op:s3cret \r\nignored\n").value() == "op:s3cret");
  for (const char* bad : {"", "\n", "op", "op:", ":pw"}) {
    INFO(bad);
    CHECK(ParseAdminCredentials(bad).status().code() == zk::Error::kBadArguments);
  }
}

TEST_CASE("connection limits: pause at either bound, resume below half of both") {
  ConnectionLimits l;  // 1000 requests, 4 MiB
  CHECK_FALSE(ShouldPauseReading(l, {999, (4u << 20) - 1}));
  CHECK(ShouldPauseReading(l, {1000, 0}));
  CHECK(ShouldPauseReading(l, {0, 4u << 20}));
  CHECK(ShouldResumeReading(l, {500, 2u << 20}));
  CHECK_FALSE(ShouldResumeReading(l, {501, 0}));
  CHECK_FALSE(ShouldResumeReading(l, {0, (2u << 20) + 1}));
  CHECK(FrameLengthError("127.0.0.1", 4711, 1048576, 1048575) ==
        "Len error. A message from /127.0.0.1:4711 with advertised length of 1048576 is either a "
        "malformed message or too large to process (length is greater than "
        "jute.maxbuffer=1048575)");
  int64_t len = 0;
  CHECK_FALSE(PeekFrameLength(std::string("\0\0\1", 3), &len));
  REQUIRE(PeekFrameLength(std::string("\0\x10\0\0rest", 8), &len));
  CHECK(len == 0x100000);
  REQUIRE(PeekFrameLength(std::string("\xff\xff\xff\xff", 4), &len));
  CHECK(len == -1);
}

namespace {

std::string ConnectFrame() {
  zk::wire::ConnectRequest req;
  req.timeout_ms = 30000;
  req.passwd = std::string(16, '\0');
  std::string out;
  zk::wire::AppendRecordsFrame(&out, req);
  return out;
}

std::string ExistsFrame(int32_t xid) {
  std::string out;
  zk::wire::AppendRecordsFrame(&out, zk::wire::RequestHeader{xid, zk::wire::OpCode::kExists},
                               zk::wire::ExistsRequest{"/", false});
  return out;
}

}  // namespace

TEST_CASE("ServerConnection: a frame over its limit closes it with the Len error reason") {
  ManualClock clock;
  Ensemble ens(EnsembleOptions{}, &clock, {});
  std::string reason;
  ServerConnection::Sink sink;
  sink.send = [](std::string) {};
  sink.close = [&](const std::string& r) { reason = r; };
  ServerConnection c(&ens, 1, 1, "127.0.0.1", 4711, sink, 65536);
  ens.Server(1)->conns.insert(1);
  c.Feed(ConnectFrame());
  REQUIRE(reason.empty());
  // A frame of exactly the limit is taken (and fails to decode later, not
  // here); one byte more closes at once, before its body arrives.
  c.Feed(std::string("\0\1\0\1", 4));
  CHECK(c.closed());
  CHECK(reason == FrameLengthError("127.0.0.1", 4711, 65537, 65536));
}

TEST_CASE("ServerConnection: Sink::may_proceed holds requests back until Resume") {
  ManualClock clock;
  Ensemble ens(EnsembleOptions{}, &clock, {});
  int replies = 0;
  bool proceed = true;
  ServerConnection::Sink sink;
  sink.send = [&](std::string) { ++replies; };
  sink.close = [](const std::string&) { FAIL("closed"); };
  sink.may_proceed = [&] { return proceed; };
  ServerConnection c(&ens, 1, 1, "127.0.0.1", 4711, sink);
  ens.Server(1)->conns.insert(1);
  c.Feed(ConnectFrame());
  REQUIRE(replies == 1);
  proceed = false;
  std::string batch;
  for (int xid = 1; xid <= 5; ++xid) batch += ExistsFrame(xid);
  c.Feed(batch);
  CHECK(replies == 1);
  CHECK(c.queued() == 5);
  proceed = true;
  c.Resume();
  CHECK(replies == 6);
  CHECK(c.queued() == 0);
}
