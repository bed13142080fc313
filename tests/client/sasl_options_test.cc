// SaslOptions from a JAAS client section and from zkCli.sh's client
// properties, their validation, and the Cyrus mechanism's first steps
// (no server: DIGEST-MD5 answers a challenge as ZooKeeper's server expects;
// GSSAPI without Kerberos credentials fails with a reason).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>

#include "sasl_cyrus.h"
#include "zk/client/sasl_options.h"

using zk::SaslOptions;

namespace {

constexpr const char* kDigestJaas = R"(
/* Server side, ignored by the client. */
Server {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  user_bob="pw";
};
// The client's section.
Client {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  username="bob"
  password="p w\"x";
};
)";

std::string TempFile(const std::string& text) {
  char name[] = "/tmp/zk-jaas-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

}  // namespace

TEST_CASE("jaas: a DigestLoginModule client section gives DIGEST-MD5", "[sasl][jaas]") {
  auto o = zk::ParseJaasClientSection(kDigestJaas, "Client", "jaas.conf");
  REQUIRE(o.ok());
  CHECK(o->mechanism == "DIGEST-MD5");
  CHECK(o->user == "bob");
  CHECK(o->password == "p w\"x");
  CHECK(o->service == "zookeeper");
  CHECK(o->jaas_section == "Client");
  CHECK(zk::ValidateSaslOptions(*o).ok());
}

TEST_CASE("jaas: Krb5LoginModule maps principal, keyTab and ticketCache", "[sasl][jaas]") {
  auto o = zk::ParseJaasClientSection(R"(Other {
    com.sun.security.auth.module.Krb5LoginModule required
    useKeyTab=true keyTab="/etc/zk.keytab" storeKey=true useTicketCache=false
    principal="bob@EXAMPLE.COM";
  };)",
                                      "Other", "k.conf");
  REQUIRE(o.ok());
  CHECK(o->mechanism == "GSSAPI");
  CHECK(o->user == "bob@EXAMPLE.COM");
  CHECK(o->keytab == "/etc/zk.keytab");
  CHECK(zk::ValidateSaslOptions(*o).ok());
}

TEST_CASE("jaas: errors name the file, the line and the problem", "[sasl][jaas][bad-input]") {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : {
           Case{"Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                "  username=\"bob\" password=\"pw\"\n};",
                "x.conf:4: expected an option name or ';', found '}'"},
           Case{"Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule maybe;\n};",
                "x.conf:2: expected a control flag"},
           Case{"Client {\n  com.example.Login required;\n};",
                "x.conf:2: unsupported login module 'com.example.Login'"},
           Case{"Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                "  username=\"bob\" pasword=\"pw\";\n};",
                "x.conf:2: DigestLoginModule: unknown option 'pasword'"},
           Case{"Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                "  username=\"bob\";\n};",
                "x.conf:2: DigestLoginModule: password is missing"},
           Case{"Server {\n};", "x.conf: no section 'Client'"},
           Case{"Client {\n};", "x.conf:1: section 'Client' has 0 login modules"},
           Case{"Client {\n  a required x=\"unterminated\n};", "x.conf:2: unterminated string"},
           Case{"/* never closed\nClient {};", "x.conf:1: unterminated comment"},
           Case{"Client {\n  a required x=\"1\";\n}", "x.conf:3: expected ';' after '}'"},
       }) {
    auto o = zk::ParseJaasClientSection(c.text, "Client", "x.conf");
    REQUIRE_FALSE(o.ok());
    CHECK(o.status().code() == zk::Error::kBadArguments);
    INFO(o.status().message());
    CHECK(o.status().message().find(c.error) != std::string::npos);
  }
  auto missing = zk::LoadJaasClientSection("/nonexistent/jaas.conf");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "/nonexistent/jaas.conf: cannot open the JAAS file");
}

TEST_CASE("sasl properties: zkCli.sh's keys, in any order", "[sasl][properties]") {
  std::string path = TempFile(std::string(kDigestJaas) +
                              "Alt {\n org.apache.zookeeper.server.auth.DigestLoginModule "
                              "required username=\"alice\" password=\"a\";\n};\n");
  SECTION("file, then section") {
    SaslOptions o;
    REQUIRE(zk::ApplySaslClientProperty("java.security.auth.login.config", path, o).ok());
    CHECK(o.user == "bob");
    REQUIRE(zk::ApplySaslClientProperty("zookeeper.sasl.clientconfig", "Alt", o).ok());
    CHECK(o.user == "alice");
    CHECK(o.enabled());
  }
  SECTION("section, then file") {
    SaslOptions o;
    REQUIRE(zk::ApplySaslClientProperty("zookeeper.sasl.clientconfig", "Alt", o).ok());
    CHECK_FALSE(o.enabled());
    REQUIRE(zk::ApplySaslClientProperty("java.security.auth.login.config", path, o).ok());
    CHECK(o.user == "alice");
    CHECK(o.jaas_file == path);
  }
  SECTION("service name, server principal, disabling") {
    SaslOptions o;
    REQUIRE(zk::ApplySaslClientProperty("java.security.auth.login.config", path, o).ok());
    REQUIRE(zk::ApplySaslClientProperty("zookeeper.sasl.client.username", "zk", o).ok());
    CHECK(o.service == "zk");
    REQUIRE(zk::ApplySaslClientProperty("zookeeper.server.principal",
                                        "zookeeper/zk1.example.com@EXAMPLE.COM", o)
                .ok());
    CHECK(o.service == "zookeeper");
    CHECK(o.host == "zk1.example.com");
    REQUIRE(zk::ApplySaslClientProperty("zookeeper.sasl.client.canonicalize.hostname", "false", o)
                .ok());
    REQUIRE(zk::ApplySaslClientProperty("zookeeper.sasl.client", "false", o).ok());
    CHECK_FALSE(o.enabled());
    CHECK(zk::ValidateSaslOptions(o).ok());
  }
  SECTION("bad values and foreign keys") {
    SaslOptions o;
    auto s = zk::ApplySaslClientProperty("zookeeper.sasl.client", "yes", o);
    CHECK(s.code() == zk::Error::kBadArguments);
    CHECK(s.message() == "zookeeper.sasl.client: expected true or false, found 'yes'");
    s = zk::ApplySaslClientProperty("zookeeper.server.principal", "zookeeper", o);
    CHECK(s.message().find("expected service/host[@REALM]") != std::string::npos);
    s = zk::ApplySaslClientProperty("java.security.auth.login.config", "/nonexistent", o);
    CHECK(s.message() ==
          "java.security.auth.login.config: /nonexistent: cannot open the JAAS file");
    s = zk::ApplySaslClientProperty("zookeeper.client.secure", "true", o);
    CHECK(s.code() == zk::Error::kUnimplemented);
    CHECK_FALSE(zk::IsSaslClientProperty("zookeeper.client.secure"));
    CHECK(zk::IsSaslClientProperty("zookeeper.sasl.clientconfig"));
  }
  std::remove(path.c_str());
}

TEST_CASE("sasl options: validation names the field", "[sasl]") {
  SaslOptions o;
  CHECK(zk::ValidateSaslOptions(o).ok());  // off
  o.mechanism = "PLAIN";
  CHECK(zk::ValidateSaslOptions(o).message() ==
        "sasl.mechanism 'PLAIN' is not supported (DIGEST-MD5 or GSSAPI)");
  o.mechanism = "DIGEST-MD5";
  CHECK(zk::ValidateSaslOptions(o).message() == "sasl.user is empty (DIGEST-MD5)");
  o.user = "bob";
  CHECK(zk::ValidateSaslOptions(o).message().find("sasl.password is empty") == 0);
  o.password_callback = [] { return zk::Result<std::string>(std::string("pw")); };
  CHECK(zk::ValidateSaslOptions(o).ok());
}

TEST_CASE("cyrus: DIGEST-MD5 opens empty and answers for zookeeper/zk-sasl-md5",
          "[sasl][cyrus]") {
  SaslOptions o;
  o.mechanism = "DIGEST-MD5";
  o.user = "bob";
  int asked = 0;
  o.password_callback = [&asked] {
    ++asked;
    return zk::Result<std::string>(std::string("pw"));
  };
  auto m = zk::client_internal::NewCyrusSaslMechanism(o);
  REQUIRE(m.ok());
  auto start = (*m)->Start("127.0.0.1");
  if (!start.ok() && start.status().message().find("not available") != std::string::npos) {
    WARN("skipped: " << start.status().message());
    return;
  }
  REQUIRE(start.ok());
  CHECK(start->send);
  CHECK(start->token.empty());
  CHECK_FALSE(start->complete);
  // A challenge as ZooKeeper's DIGEST-MD5 server (the JDK's) sends it.
  auto step = (*m)->Step(
      "realm=\"zk-sasl-md5\",nonce=\"VGhpc0lzQU5vbmNl\",qop=\"auth\",charset=utf-8,"
      "algorithm=md5-sess");
  REQUIRE(step.ok());
  CHECK(step->send);
  CHECK_FALSE(step->complete);
  INFO(step->token);
  CHECK(step->token.find("username=\"bob\"") != std::string::npos);
  CHECK(step->token.find("realm=\"zk-sasl-md5\"") != std::string::npos);
  CHECK(step->token.find("digest-uri=\"zookeeper/zk-sasl-md5\"") != std::string::npos);
  CHECK(step->token.find("qop=auth") != std::string::npos);
  CHECK(asked == 1);
  // A wrong rspauth is refused by the mechanism itself.
  auto bad = (*m)->Step("rspauth=00000000000000000000000000000000");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().code() == zk::Error::kAuthFailed);
}

TEST_CASE("cyrus: a failing password callback fails the step with its reason", "[sasl][cyrus]") {
  SaslOptions o;
  o.mechanism = "DIGEST-MD5";
  o.user = "bob";
  o.password_callback = [] {
    return zk::Result<std::string>(zk::Status(zk::Error::kSystemError, "vault unreachable"));
  };
  auto m = zk::client_internal::NewCyrusSaslMechanism(o);
  REQUIRE(m.ok());
  auto start = (*m)->Start("h");
  if (!start.ok()) {
    WARN("skipped: " << start.status().message());
    return;
  }
  auto step = (*m)->Step("realm=\"zk-sasl-md5\",nonce=\"abc\",qop=\"auth\",algorithm=md5-sess");
  REQUIRE_FALSE(step.ok());
  CHECK(step.status().message().find("vault unreachable") != std::string::npos);
}

TEST_CASE("cyrus: GSSAPI without Kerberos credentials fails at start with a reason",
          "[sasl][cyrus][gssapi]") {
  // No KDC here: point Kerberos at an empty credential cache and config.
  setenv("KRB5CCNAME", "FILE:/nonexistent/zk-test-ccache", 1);
  setenv("KRB5_CONFIG", "/dev/null", 1);
  SaslOptions o;
  o.mechanism = "GSSAPI";
  auto m = zk::client_internal::NewCyrusSaslMechanism(o);
  REQUIRE(m.ok());
  auto start = (*m)->Start("zk1.example.com");
  REQUIRE_FALSE(start.ok());
  CHECK(start.status().code() == zk::Error::kAuthFailed);
  INFO(start.status().message());
  CHECK(start.status().message().find("GSSAPI") != std::string::npos);
}
