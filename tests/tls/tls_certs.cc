#include "tls_certs.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#ifndef ZK_TESTS_DIR
#error "ZK_TESTS_DIR must name the tests/ source directory"
#endif

namespace zk::test {
namespace {

struct CertDir {
  std::string dir;
  std::string why;
  CertDir() {
    char tmpl[] = "/tmp/zkbalance-tls-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      why = "mkdtemp failed";
      return;
    }
    std::string d = tmpl;
    std::string cmd = fmt::format("'{}/tls/make_certs.sh' '{}' >'{}/make_certs.log' 2>&1",
                                  ZK_TESTS_DIR, d, d);
    int rc = std::system(cmd.c_str());
    if (rc != 0) {
      why = fmt::format("tests/tls/make_certs.sh failed (exit {}), see {}/make_certs.log", rc, d);
      return;
    }
    dir = d;
  }
  ~CertDir() {
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
};

}  // namespace

const std::string& TlsCertDir(std::string* why) {
  static CertDir certs;
  if (why != nullptr) *why = certs.why;
  return certs.dir;
}

std::string TlsCert(const std::string& name) { return TlsCertDir() + "/" + name; }

}  // namespace zk::test
