// zkCli.sh's client configuration file (zk/client/client_config_file.h).
#include <catch2/catch.hpp>

#include <cstdio>
#include <unistd.h>

#include <fstream>

#include "zk/client/client_config_file.h"

namespace zk {
namespace {

TEST_CASE("client config file: a secured zkCli.sh file fills TlsOptions") {
  auto f = ParseClientConfigFile(
      "# zkCli.sh -client-configuration\n"
      "zookeeper.client.secure=true\n"
      "zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n"
      "zookeeper.ssl.keyStore.location=/etc/zk/client.pem\n"
      "zookeeper.ssl.keyStore.password=secret\n"
      "zookeeper.ssl.keyStore.type=PEM\n"
      "zookeeper.ssl.trustStore.location=/etc/zk/ca.pem\n"
      "zookeeper.ssl.trustStore.type=PEM\n"
      "zookeeper.ssl.trustStore.password=ignored\n"
      "zookeeper.ssl.hostnameVerification=false\n"
      "zookeeper.ssl.enabledProtocols=TLSv1.3, TLSv1.2\n"
      "zookeeper.ssl.ciphersuites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256\n"
      "zookeeper.ssl.clientAuth=need\n"
      "zookeeper.request.timeout=5000\n"
      "zookeeper.sasl.client=true\n"
      "zookeeper.sasl.clientconfig=Client\n"
      "zookeeper.server.principal=zookeeper/zk1@EXAMPLE.COM\n");
  INFO(f.status().ToString());
  REQUIRE(f.ok());
  CHECK(f->tls.enabled);
  CHECK(f->client_cnxn_socket == "org.apache.zookeeper.ClientCnxnSocketNetty");
  CHECK(f->tls.cert_file == "/etc/zk/client.pem");
  CHECK(f->tls.key_file == "/etc/zk/client.pem");
  CHECK(f->tls.key_password == "secret");
  CHECK(f->tls.ca_file == "/etc/zk/ca.pem");
  CHECK_FALSE(f->tls.verify_host_name);
  CHECK(f->tls.min_version == "TLSv1.2");
  CHECK(f->tls.max_version == "TLSv1.3");
  CHECK(f->tls.ciphers == "ECDHE-RSA-AES128-GCM-SHA256");
  CHECK(f->tls.ciphersuites == "TLS_AES_128_GCM_SHA256");
  REQUIRE(f->request_timeout.has_value());
  CHECK(f->request_timeout->count() == 5000);
  CHECK(f->sasl.size() == 3);
  CHECK(f->sasl.at("zookeeper.sasl.client") == "true");
  CHECK(f->sasl.at("zookeeper.server.principal") == "zookeeper/zk1@EXAMPLE.COM");

  ClientOptions o;
  ApplyClientConfigFile(*f, &o);
  CHECK(o.tls.enabled);
  CHECK(o.tls.ca_file == "/etc/zk/ca.pem");
  CHECK(o.request_timeout.count() == 5000);
}

TEST_CASE("client config file: defaults, protocol alone, untyped .pem stores") {
  auto empty = ParseClientConfigFile("");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->tls.enabled);
  CHECK(empty->tls.verify_host_name);
  CHECK(empty->tls.min_version == "TLSv1.2");
  CHECK(empty->tls.max_version.empty());
  CHECK_FALSE(empty->request_timeout.has_value());

  auto p = ParseClientConfigFile(
      "zookeeper.client.secure=TRUE\nzookeeper.ssl.protocol=TLSv1.3\n"
      "zookeeper.ssl.trustStore.location=ca.PEM\n");
  REQUIRE(p.ok());
  CHECK(p->tls.enabled);
  CHECK(p->tls.min_version == "TLSv1.3");
  CHECK(p->tls.max_version == "TLSv1.3");
  CHECK(p->tls.ca_file == "ca.PEM");
}

TEST_CASE("client config file: passwordPath reads the password from a file") {
  char path[] = "/tmp/zkcfg-pw-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, "s3cret\n", 7) == 7);
  close(fd);
  auto f = ParseClientConfigFile(std::string("zookeeper.ssl.keyStore.passwordPath=") + path + "\n");
  std::remove(path);
  REQUIRE(f.ok());
  CHECK(f->tls.key_password == "s3cret");
}

TEST_CASE("client config file: unknown and unsupported keys are errors naming the key") {
  struct Case {
    const char* text;
    const char* key;
    const char* says;
  };
  const Case cases[] = {
      {"zookeeper.ssl.keyStore.type=JKS\n", "zookeeper.ssl.keyStore.type", "only PEM"},
      {"zookeeper.ssl.trustStore.type=PKCS12\n", "zookeeper.ssl.trustStore.type", "only PEM"},
      {"zookeeper.ssl.keyStore.location=/k.jks\n", "zookeeper.ssl.keyStore.location", "only PEM"},
      {"zookeeper.ssl.trustStore.location=/t.p12\n", "zookeeper.ssl.trustStore", "only PEM"},
      {"zookeeper.client.secure=yes\n", "zookeeper.client.secure", "not true or false"},
      {"zookeeper.ssl.enabledProtocols=TLSv1.1,TLSv1.2\n", "zookeeper.ssl.enabledProtocols",
       "'TLSv1.1' is not supported"},
      {"zookeeper.ssl.protocol=TLS\n", "zookeeper.ssl.protocol", "not supported"},
      {"zookeeper.ssl.ciphersuites=TLS_NO_SUCH_SUITE\n", "zookeeper.ssl.ciphersuites",
       "unknown cipher suite 'TLS_NO_SUCH_SUITE'"},
      {"zookeeper.ssl.crl=true\n", "zookeeper.ssl.crl", "not supported"},
      {"zookeeper.ssl.context.supplier.class=com.example.Ctx\n",
       "zookeeper.ssl.context.supplier.class", "unknown or unsupported key"},
      {"zookeeper.clientCnxnSocket=com.example.Socket\n", "zookeeper.clientCnxnSocket", "is not"},
      {"zookeeper.disableAutoWatchReset=true\n", "zookeeper.disableAutoWatchReset", "not supported"},
      {"zookeeper.request.timeout=soon\n", "zookeeper.request.timeout", "milliseconds"},
      {"# comment\nzookeeper.ssl.keystore.location=/k.pem\n", "zookeeper.ssl.keystore.location",
       "unknown or unsupported key"},
      {"zookeeper.ssl.keyStore.passwordPath=/nonexistent/pw\n",
       "zookeeper.ssl.keyStore.passwordPath", "cannot read"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto f = ParseClientConfigFile(c.text);
    REQUIRE_FALSE(f.ok());
    CHECK(f.status().code() == Error::kBadArguments);
    CHECK_THAT(f.status().message(), Catch::Contains(c.key));
    CHECK_THAT(f.status().message(), Catch::Contains(c.says));
  }
  // The line is named.
  auto f = ParseClientConfigFile("zookeeper.client.secure=true\n\nbogus.key=1\n");
  REQUIRE_FALSE(f.ok());
  CHECK_THAT(f.status().message(), Catch::StartsWith("line 3: bogus.key:"));
}

TEST_CASE("client config file: SASL keys configure SaslOptions from the JAAS file they name") {
  char jaas[] = "/tmp/zkcfg-jaas-XXXXXX";
  int fd = mkstemp(jaas);
  REQUIRE(fd >= 0);
  const std::string sections =
      "Other {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
      "  username=\"eve\" password=\"e\";\n};\n"
      "ZkApp {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
      "  username=\"bob\" password=\"pw\";\n};\n";
  REQUIRE(write(fd, sections.data(), sections.size()) == static_cast<ssize_t>(sections.size()));
  close(fd);
  // The section name may come after the file.
  auto f = ParseClientConfigFile(std::string("java.security.auth.login.config=") + jaas +
                                 "\nzookeeper.sasl.clientconfig=ZkApp\n"
                                 "zookeeper.sasl.client.username=zk\n");
  REQUIRE(f.ok());
  CHECK(f->sasl_options.enabled());
  CHECK(f->sasl_options.mechanism == "DIGEST-MD5");
  CHECK(f->sasl_options.user == "bob");
  CHECK(f->sasl_options.password == "pw");
  CHECK(f->sasl_options.service == "zk");
  ClientOptions o;
  ApplyClientConfigFile(*f, &o);
  CHECK(o.sasl.user == "bob");

  auto off = ParseClientConfigFile(std::string("java.security.auth.login.config=") + jaas +
                                   "\nzookeeper.sasl.clientconfig=ZkApp\nzookeeper.sasl.client=false\n");
  REQUIRE(off.ok());
  CHECK_FALSE(off->sasl_options.enabled());

  auto missing = ParseClientConfigFile(std::string("java.security.auth.login.config=") + jaas +
                                       "\nzookeeper.sasl.clientconfig=Nowhere\n");
  std::remove(jaas);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::StartsWith("line 1: java.security.auth.login.config: "));
  CHECK_THAT(missing.status().message(), Catch::Contains("Nowhere"));

  auto unknown = ParseClientConfigFile("zookeeper.sasl.frobnicate=1\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.status().message(), Catch::Contains("line 1: zookeeper.sasl.frobnicate"));
}

TEST_CASE("client config file: LoadClientConfigFile names the file") {
  auto missing = LoadClientConfigFile("/nonexistent/zk-client.cfg");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::Contains("/nonexistent/zk-client.cfg"));
  char path[] = "/tmp/zkcfg-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string text = "zookeeper.client.secure=true\nzookeeper.ssl.keyStore.type=JKS\n";
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  auto bad = LoadClientConfigFile(path);
  std::remove(path);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::StartsWith(std::string(path) + ": line 2: "));
}

}  // namespace
}  // namespace zk
