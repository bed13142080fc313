// The TLS test certificates (tests/tls/make_certs.sh), generated once per
// test process into a temporary directory with the `openssl` command.
#ifndef ZK_TESTS_TLS_TLS_CERTS_H_
#define ZK_TESTS_TLS_TLS_CERTS_H_

#include <string>

namespace zk::test {

// The directory holding the certificates ("" when `openssl` is missing or
// the script failed; the reason is then in *why). Generated on first call.
const std::string& TlsCertDir(std::string* why = nullptr);

// dir + "/" + name.
std::string TlsCert(const std::string& name);

}  // namespace zk::test

#endif  // ZK_TESTS_TLS_TLS_CERTS_H_
