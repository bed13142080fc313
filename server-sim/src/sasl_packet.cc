// ServerConnection's sasl packet (OpCode 102), as ZooKeeper 3.8's
// ZooKeeperServer.processSasl answers it: the client's token goes to the
// connection's DIGEST-MD5 server (sasl_digest.h); the reply is a
// SetSASLResponse with the server's token, header zxid 0. When the exchange
// completes the connection is authenticated as sasl:<user> (and super when
// the user is zookeeper.superUser). A failed step answers AUTHFAILED (the
// header, then a null token, as ZooKeeper serializes it) and closes the
// connection (SESSIONCLOSEDREQUIRESASLAUTH when sasl auth is enforced,
// auth_enforcement.cc). Without SASL users the server has no SASL server and, as
// ZooKeeper (whose cnxn.zooKeeperSaslServer is then null), answers OK with
// a null token.
#include <fmt/format.h>

#include <algorithm>

#include "sasl_digest.h"
#include "server_connection.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"
#include "zk/wire/responses.h"

namespace zk::sim {
namespace {

std::string SaslReply(int32_t xid, Error err, const std::optional<std::string>& token) {
  return wire::EncodeRecordsFrame(wire::ReplyHeader{xid, 0, err},
                                  wire::SetSaslResponse{token});
}

}  // namespace

void ServerConnection::HandleSasl(const wire::GetSaslRequest& req, int32_t xid) {
  const EnsembleOptions& opts = ens_->options();
  ++sent;
  if (ServerState* s = ens_->Server(server_)) ++s->stats.packets_sent;
  if (opts.sasl_users.empty()) {
    sink_.send(SaslReply(xid, Error::kOk, std::nullopt));
    return;
  }
  if (!sasl_) sasl_ = std::make_unique<DigestMd5Server>(&opts.sasl_users);
  Result<std::string> out = sasl_->Step(req.token.value_or(std::string()));
  if (!out.ok()) {
    // isSaslAuthRequired: enforcement that includes sasl answers
    // SESSIONCLOSEDREQUIRESASLAUTH instead.
    const auto& enforced = opts.enforce_auth_schemes;
    const bool required = std::find(enforced.begin(), enforced.end(), "sasl") != enforced.end();
    sink_.send(SaslReply(xid, required ? Error::kSessionClosedRequireSaslAuth : Error::kAuthFailed,
                         std::nullopt));
    Fail(fmt::format("SASL authentication failed: {}", out.status().message()));
    return;
  }
  if (sasl_->complete()) {
    const std::string& user = sasl_->authorization_id();
    auth_.Add({"sasl", user});
    if (!opts.sasl_super_user.empty() && user == opts.sasl_super_user) auth_.Add({"super", ""});
  }
  sink_.send(SaslReply(xid, Error::kOk, *out));
}

}  // namespace zk::sim
