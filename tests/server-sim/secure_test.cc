// zksim's security pieces without sockets: DIGEST-MD5 (RFC 2831's own
// examples, the server's steps and failures), JAAS/user files, the RFC 2253
// subject names of the x509 scheme, and the sasl packet (OpCode 102) fed as
// bytes through a ServerConnection (whoami, a sasl ACL, AUTHFAILED + close).
// TLS over real sockets is scripts/secure_kazoo.py's.
#include <openssl/x509.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "clock.h"
#include "ensemble.h"
#include "jaas_file.h"
#include "sasl_digest.h"
#include "server_connection.h"
#include "x509_name.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"

using namespace zk::sim;
namespace wire = zk::wire;
using zk::Error;

TEST_CASE("DIGEST-MD5: RFC 2831's IMAP and ACAP examples") {
  DigestInputs imap{"chris", "elwood.innosoft.com", "secret", "OA6MG9tEQGm2hh",
                    "OA6MHXh6VqTrRk", "00000001", "auth", "imap/elwood.innosoft.com", ""};
  CHECK(DigestMd5Value(imap, false) == "d388dad90d4bbd760a152321f2143af7");
  CHECK(DigestMd5Value(imap, true) == "ea40f60335c427b5527b84dbabcdfffd");
  DigestInputs acap{"chris", "elwood.innosoft.com", "secret", "OA9BSXrbuRhWay",
                    "OA9BSuZWMSpW8m", "00000001", "auth", "acap/elwood.innosoft.com", ""};
  CHECK(DigestMd5Value(acap, false) == "6084c6db3fede7352c551284490fd0fc");
  CHECK(DigestMd5Value(acap, true) == "2f0b3d7c3c2e486600ef710726aa2eae");
}

TEST_CASE("DIGEST-MD5: directive lists") {
  auto d = ParseDigestDirectives(
      R"(username="bob", Realm="zk-sasl-md5",nc=00000001 , qop=auth,x="a\"b,c",,)");
  REQUIRE(d.ok());
  CHECK(d->at("username") == "bob");
  CHECK(d->at("realm") == "zk-sasl-md5");
  CHECK(d->at("nc") == "00000001");
  CHECK(d->at("qop") == "auth");
  CHECK(d->at("x") == "a\"b,c");
  CHECK_FALSE(ParseDigestDirectives(R"(a="open)").ok());
  CHECK_FALSE(ParseDigestDirectives("novalue").ok());
  auto repeated = ParseDigestDirectives("a=1,a=2");
  REQUIRE_FALSE(repeated.ok());
  CHECK(repeated.status().message().find("repeated") != std::string::npos);
}

namespace {

// The client side of the exchange, from RFC 2831 §2.1.2, against `server`.
std::string ClientResponse(const std::string& challenge, const std::string& user,
                           const std::string& password, const std::string& uri) {
  auto c = ParseDigestDirectives(challenge);
  REQUIRE(c.ok());
  DigestInputs in{user, c->at("realm"), password, c->at("nonce"), "clientnonce42",
                  "00000001", "auth", uri, ""};
  return "charset=utf-8,username=\"" + user + "\",realm=\"" + in.realm + "\",nonce=\"" +
         in.nonce + "\",nc=00000001,cnonce=\"clientnonce42\",digest-uri=\"" + uri +
         "\",maxbuf=65536,response=" + DigestMd5Value(in, false) + ",qop=auth";
}

}  // namespace

TEST_CASE("DIGEST-MD5 server: ZooKeeper's exchange, and each refusal") {
  SaslUsers users{{"bob", "bobsecret"}};
  auto fixed = [] { return std::string("servernonce7"); };
  {
    DigestMd5Server s(&users, fixed);
    auto challenge = s.Step("");
    REQUIRE(challenge.ok());
    CHECK(*challenge ==
          R"(realm="zk-sasl-md5",nonce="servernonce7",qop="auth",charset=utf-8,algorithm=md5-sess)");
    CHECK_FALSE(s.complete());
    auto done = s.Step(ClientResponse(*challenge, "bob", "bobsecret", "zookeeper/zk-sasl-md5"));
    REQUIRE(done.ok());
    DigestInputs in{"bob", "zk-sasl-md5", "bobsecret", "servernonce7", "clientnonce42",
                    "00000001", "auth", "zookeeper/zk-sasl-md5", ""};
    CHECK(*done == "rspauth=" + DigestMd5Value(in, true));
    CHECK(s.complete());
    CHECK(s.authorization_id() == "bob");
    auto again = s.Step("x=1");
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().message().find("already completed") != std::string::npos);
  }
  auto refused = [&](const std::string& response, const std::string& why) {
    DigestMd5Server s(&users, fixed);
    REQUIRE(s.Step("").ok());
    auto r = s.Step(response);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Error::kAuthFailed);
    INFO(r.status().message());
    CHECK(r.status().message().find(why) != std::string::npos);
    CHECK_FALSE(s.complete());
  };
  const std::string ch = R"(realm="zk-sasl-md5",nonce="servernonce7")";
  refused(ClientResponse(ch, "bob", "wrong", "zookeeper/zk-sasl-md5"), "wrong password for user bob");
  refused(ClientResponse(ch, "eve", "x", "zookeeper/zk-sasl-md5"), "unknown user eve");
  refused(ClientResponse(ch, "bob", "bobsecret", "imap/zk-sasl-md5"), "digest-uri");
  refused(ClientResponse(R"(realm="zk-sasl-md5",nonce="other")", "bob", "bobsecret",
                         "zookeeper/zk-sasl-md5"),
          "nonce mismatch");
  refused("username=\"bob\",nonce=", "lacks cnonce");
  refused("garbage", "malformed");
  DigestMd5Server initial(&users, fixed);
  auto r = initial.Step("username=\"bob\"");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("initial response") != std::string::npos);
}

TEST_CASE("JAAS files: the Server section's user_ options, as ZooKeeper reads them") {
  const char* text = R"(/* ZooKeeper server */
Server {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  user_super="adminsecret"   // comment
  user_bob="bob;secret"
  debug=true;
};
Client {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  username="bob" password="bobsecret";
};)";
  auto users = ParseJaasUsers(text);
  REQUIRE(users.ok());
  CHECK(*users == SaslUsers{{"super", "adminsecret"}, {"bob", "bob;secret"}});
  auto missing = ParseJaasUsers(text, "QuorumServer");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "no JAAS section named QuorumServer");
  auto none = ParseJaasUsers(text, "Client");
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find("no user_<name>") != std::string::npos);
  auto broken = ParseJaasUsers("Server {\n  Module required\n  user_a=\"x\n};");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().message().find("line 3") != std::string::npos);
  CHECK_FALSE(ParseJaasUsers("Server { M required user_a=\"x\" }").ok());  // no ';'

  auto lines = ParseUserLines("# users\nbob=bobsecret\n\n alice = a=b\n");
  REQUIRE(lines.ok());
  CHECK(*lines == SaslUsers{{"bob", "bobsecret"}, {"alice", " a=b"}});
  auto bad = ParseUserLines("bob\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "line 1: expected user=password");
}

TEST_CASE("x509 names: RFC 2253 as Java's X500Principal.getName()") {
  X509_NAME* n = X509_NAME_new();
  auto add = [n](const char* field, const char* value, int set) {
    REQUIRE(X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value), -1, -1,
                                       set) == 1);
  };
  add("C", "US", 0);
  add("O", "zk, Inc.", 0);
  add("OU", "tests", 0);
  add("CN", "client-1", 0);
  CHECK(Rfc2253Name(n) == "CN=client-1,OU=tests,O=zk\\, Inc.,C=US");
  add("emailAddress", "a@b", 0);
  CHECK(Rfc2253Name(n) ==
        "1.2.840.113549.1.9.1=#1603614062,CN=client-1,OU=tests,O=zk\\, Inc.,C=US");
  X509_NAME_free(n);
  X509_NAME* m = X509_NAME_new();
  REQUIRE(X509_NAME_add_entry_by_txt(m, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(" #lead+trail "), -1,
                                     -1, 0) == 1);
  CHECK(Rfc2253Name(m) == "CN=\\ #lead\\+trail\\ ");
  X509_NAME_free(m);
}

namespace {

struct Conn {
  std::string out;
  bool closed = false;
  std::string reason;
  size_t read = 0;
  std::unique_ptr<ServerConnection> proto;

  std::string NextFrame() {
    wire::FrameSplitter split;
    split.Feed(std::string_view(out).substr(read));
    std::string_view payload;
    if (!split.Next(&payload)) return "";
    read += wire::kFrameLengthSize + payload.size();
    return std::string(payload);
  }
};

struct SaslFixture {
  ManualClock clock;
  std::unique_ptr<Ensemble> ens;
  uint64_t next = 1;

  explicit SaslFixture(SaslUsers users, std::string super_user = {},
                       std::vector<std::string> enforce = {}) {
    EnsembleOptions o;
    o.sasl_users = std::move(users);
    o.sasl_super_user = std::move(super_user);
    o.enforce_auth_schemes = std::move(enforce);
    ens = std::make_unique<Ensemble>(o, &clock, Ensemble::Hooks{});
  }

  std::unique_ptr<Conn> Connect() {
    auto c = std::make_unique<Conn>();
    Conn* raw = c.get();
    ServerConnection::Sink sink;
    sink.send = [raw](std::string b) { raw->out += b; };
    sink.close = [raw](const std::string& why) {
      raw->closed = true;
      raw->reason = why;
    };
    uint64_t id = next++;
    c->proto = std::make_unique<ServerConnection>(ens.get(), 1, id, "127.0.0.1", 40000, sink);
    ens->Server(1)->conns.insert(id);
    wire::ConnectRequest req;
    req.timeout_ms = 10000;
    c->proto->Feed(wire::EncodeRecordsFrame(req));
    REQUIRE(!c->NextFrame().empty());
    return c;
  }
};

struct SaslReply {
  wire::ReplyHeader header;
  std::optional<std::string> token;
};

SaslReply Sasl(Conn& c, int32_t xid, const std::string& token) {
  c.proto->Feed(wire::EncodeRequestFrame(wire::RequestHeader{xid, wire::OpCode::kSasl},
                                         wire::GetSaslRequest{token}));
  std::string f = c.NextFrame();
  REQUIRE(!f.empty());
  wire::Reader r(f);
  SaslReply out;
  REQUIRE(wire::Decode(r, &out.header));
  wire::SetSaslResponse body;
  REQUIRE(wire::Decode(r, &body));  // present also with an error, as ZooKeeper sends it
  out.token = body.token;
  return out;
}

std::vector<wire::ClientInfo> WhoAmI(Conn& c, int32_t xid) {
  c.proto->Feed(wire::EncodeRequestFrame(wire::RequestHeader{xid, wire::OpCode::kWhoAmI},
                                         wire::WhoAmIRequest{}));
  std::string f = c.NextFrame();
  wire::Reader r(f);
  wire::ReplyHeader h;
  REQUIRE(wire::Decode(r, &h));
  REQUIRE(h.err == Error::kOk);
  wire::WhoAmIResponse resp;
  REQUIRE(wire::Decode(r, &resp));
  return resp.client_info;
}

}  // namespace

TEST_CASE("sasl packet: DIGEST-MD5 over OpCode 102 authenticates sasl:<user>") {
  SaslFixture f(SaslUsers{{"bob", "bobsecret"}, {"admin", "adminsecret"}}, "admin");
  auto c = f.Connect();
  SaslReply challenge = Sasl(*c, 1, "");
  REQUIRE(challenge.header.err == Error::kOk);
  CHECK(challenge.header.zxid == 0);
  REQUIRE(challenge.token.has_value());
  SaslReply done =
      Sasl(*c, 2, ClientResponse(*challenge.token, "bob", "bobsecret", "zookeeper/zk-sasl-md5"));
  REQUIRE(done.header.err == Error::kOk);
  CHECK(done.token.value_or("").rfind("rspauth=", 0) == 0);
  auto ids = WhoAmI(*c, 3);
  REQUIRE(ids.size() == 2);
  CHECK(ids[0].auth_scheme == "sasl");
  CHECK(ids[0].user == "bob");
  CHECK(ids[1].auth_scheme == "ip");

  // An ACL on sasl:bob: bob reads, an unauthenticated client does not.
  c->proto->Feed(wire::EncodeRequestFrame(
      wire::RequestHeader{4, wire::OpCode::kCreate},
      wire::CreateRequest{"/s", std::string("v"), {{31, {"sasl", "bob"}}}}));
  REQUIRE(wire::DecodeReplyHeader(c->NextFrame())->err == Error::kOk);
  c->proto->Feed(wire::EncodeRequestFrame(wire::RequestHeader{5, wire::OpCode::kGetData},
                                          wire::GetDataRequest{"/s", false}));
  CHECK(wire::DecodeReplyHeader(c->NextFrame())->err == Error::kOk);
  auto other = f.Connect();
  other->proto->Feed(wire::EncodeRequestFrame(wire::RequestHeader{1, wire::OpCode::kGetData},
                                              wire::GetDataRequest{"/s", false}));
  CHECK(wire::DecodeReplyHeader(other->NextFrame())->err == Error::kNoAuth);

  // zookeeper.superUser: admin is also super.
  auto admin = f.Connect();
  SaslReply ach = Sasl(*admin, 1, "");
  REQUIRE(Sasl(*admin, 2,
               ClientResponse(*ach.token, "admin", "adminsecret", "zookeeper/zk-sasl-md5"))
              .header.err == Error::kOk);
  auto aids = WhoAmI(*admin, 3);
  CHECK(std::count_if(aids.begin(), aids.end(),
                      [](const wire::ClientInfo& i) { return i.auth_scheme == "super"; }) == 1);
}

TEST_CASE("sasl packet: a wrong password answers AUTHFAILED and closes the connection") {
  SaslFixture f(SaslUsers{{"bob", "bobsecret"}});
  auto c = f.Connect();
  SaslReply challenge = Sasl(*c, 1, "");
  SaslReply failed =
      Sasl(*c, 2, ClientResponse(*challenge.token, "bob", "nope", "zookeeper/zk-sasl-md5"));
  CHECK(failed.header.err == Error::kAuthFailed);
  CHECK(failed.header.xid == 2);
  CHECK_FALSE(failed.token.has_value());
  CHECK(c->closed);
  CHECK(c->reason.find("wrong password for user bob") != std::string::npos);
}

TEST_CASE("sasl packet: without SASL users the answer is OK with a null token") {
  SaslFixture f(SaslUsers{});
  auto c = f.Connect();
  SaslReply r = Sasl(*c, 1, "");
  CHECK(r.header.err == Error::kOk);
  CHECK_FALSE(r.token.has_value());
  CHECK_FALSE(c->closed);
}

TEST_CASE("enforced auth schemes: unauthenticated requests get SESSIONCLOSEDREQUIRESASLAUTH") {
  SaslFixture f(SaslUsers{{"bob", "bobsecret"}}, "", {"sasl", "x509"});
  auto get = [](Conn& c, int32_t xid) {
    c.proto->Feed(wire::EncodeRequestFrame(wire::RequestHeader{xid, wire::OpCode::kGetData},
                                           wire::GetDataRequest{"/", false}));
    std::string frame = c.NextFrame();
    wire::ReplyHeader h = *wire::DecodeReplyHeader(frame);
    if (h.err != Error::kOk) CHECK(frame.size() == 16);  // the header alone
    return h;
  };
  auto plain = f.Connect();
  wire::ReplyHeader h = get(*plain, 7);
  CHECK(h.err == Error::kSessionClosedRequireSaslAuth);
  CHECK(h.xid == 7);
  CHECK(h.zxid == 0);
  CHECK(plain->closed);
  CHECK(plain->reason == "client authentication scheme(s) [ip] match none of the enforced "
                         "[sasl,x509]");

  auto sasl = f.Connect();
  SaslReply ch = Sasl(*sasl, 1, "");
  REQUIRE(Sasl(*sasl, 2, ClientResponse(*ch.token, "bob", "bobsecret", "zookeeper/zk-sasl-md5"))
              .header.err == Error::kOk);
  CHECK(get(*sasl, 3).err == Error::kOk);
  CHECK_FALSE(sasl->closed);

  auto cert = f.Connect();
  cert->proto->AddAuth({"x509", "CN=client-1"});
  CHECK(get(*cert, 1).err == Error::kOk);

  // With sasl enforced, a failed SASL exchange answers -124, not AUTHFAILED.
  auto wrong = f.Connect();
  SaslReply wch = Sasl(*wrong, 1, "");
  SaslReply failed = Sasl(*wrong, 2, ClientResponse(*wch.token, "bob", "x", "zookeeper/zk-sasl-md5"));
  CHECK(failed.header.err == Error::kSessionClosedRequireSaslAuth);
  CHECK(wrong->closed);
}

TEST_CASE("SASL and JAAS parsers: random input is an error value or a result, never a crash") {
  const uint64_t seed = 20261208;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const std::string alphabet = "ab=,\"\\ {};/*#\n_user_xyzServer\x01\xff";
  SaslUsers users{{"bob", "bobsecret"}};
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const size_t len = rng() % 64;
    for (size_t k = 0; k < len; ++k) text += alphabet[rng() % alphabet.size()];
    auto d = ParseDigestDirectives(text);
    if (!d.ok()) CHECK_FALSE(d.status().message().empty());
    auto j = ParseJaasUsers(text);
    if (!j.ok()) CHECK_FALSE(j.status().message().empty());
    (void)ParseUserLines(text);
    DigestMd5Server s(&users, [] { return std::string("n"); });
    REQUIRE(s.Step("").ok());
    auto r = s.Step(text);
    CHECK_FALSE(r.ok());  // no random text carries bob's response digest
  }
}
