// ServerConnection::EnforceAuth: ZooKeeper 3.8's AuthenticationHelper
// (zookeeper.enforce.auth.enabled + zookeeper.enforce.auth.schemes, or
// zookeeper.sessionRequireClientSASLAuth meaning the scheme "sasl"). After
// the handshake, every request except auth (100) and sasl (102) from a
// connection holding no id of an enforced scheme is answered with the
// header alone, error SESSIONCLOSEDREQUIRESASLAUTH (-124) and zxid 0, and
// the connection is closed (ZooKeeperServer.processPacket). The x509 id of
// a TLS client certificate is present from the first request on.
#include <fmt/format.h>

#include <algorithm>

#include "server_connection.h"
#include "zk/wire/messages.h"

namespace zk::sim {

bool ServerConnection::EnforceAuth(int32_t xid, wire::OpCode op) {
  const auto& schemes = ens_->options().enforce_auth_schemes;
  if (schemes.empty() || op == wire::OpCode::kAuth || op == wire::OpCode::kSasl) return true;
  for (const AclId& id : auth_.ids) {
    if (std::find(schemes.begin(), schemes.end(), id.scheme) != schemes.end()) return true;
  }
  std::string out;
  wire::AppendReplyFrame(&out,
                         wire::ReplyHeader{xid, 0, Error::kSessionClosedRequireSaslAuth});
  ++sent;
  sink_.send(std::move(out));
  std::string have;
  for (const AclId& id : auth_.ids) have += (have.empty() ? "" : ",") + id.scheme;
  std::string want;
  for (const std::string& s : schemes) want += (want.empty() ? "" : ",") + s;
  Fail(fmt::format("client authentication scheme(s) [{}] match none of the enforced [{}]", have,
                   want));
  return false;
}

}  // namespace zk::sim
