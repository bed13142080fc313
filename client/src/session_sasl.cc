// The SASL exchange of SessionCore (SessionConfig::sasl), apart from the
// rest of the state machine: started by HandleConnectReply when a mechanism
// is configured, it owns the connection (Link::kSasl) until it ends in
// EstablishSession or in AuthFailed. The mechanism is behind
// sasl_mechanism.h; no SASL library here.
#include "session_core.h"

namespace zk::client_internal {

void SessionCore::StartSasl(TimePoint now) {
  link_ = Link::kSasl;
  link_deadline_ = now + negotiated_ * 2 / 3;
  sasl_xid_ = 0;
  sasl_complete_ = false;
  auto step = config_.sasl->Start(current_ ? current_->host : std::string());
  if (!step.ok()) {
    SaslFailed(step.status().message());
    return;
  }
  ContinueSasl(std::move(step).value(), now);
}

void SessionCore::ContinueSasl(SaslStep step, TimePoint now) {
  sasl_complete_ = step.complete;
  if (step.send) {
    sasl_xid_ = NextXid();
    SendFrame(sasl_xid_, kOpSasl, EncodeSaslRequest(step.token), now);
    return;
  }
  sasl_xid_ = 0;
  if (!step.complete) {
    // ZooKeeper's exchange is client-driven: every server token answers a
    // client one, so a mechanism that neither speaks nor finishes is stuck.
    SaslFailed("the mechanism neither sent a token nor completed");
    return;
  }
  ++sasl_exchanges_;
  log_->Log(LogLevel::kInfo, "session 0x{:x}: SASL {} authentication with {} succeeded",
            session_id_, config_.sasl->Name(), current_ ? current_->ToString() : "?");
  EstablishSession(now);
}

void SessionCore::HandleSaslFrame(std::string_view payload, TimePoint now) {
  std::string_view body;
  auto h = ParseReplyHeader(payload, &body);
  if (!h.ok()) {
    Drop("bad reply header during SASL: " + h.status().ToString(), now, true);
    return;
  }
  if (h->xid == kXidPing) return;
  if (sasl_xid_ == 0 || h->xid != sasl_xid_) {
    Drop(fmt::format("reply with xid {} during the SASL exchange (expected {})", h->xid,
                     sasl_xid_),
         now, true);
    return;
  }
  sasl_xid_ = 0;
  if (h->err != 0) {
    // ZooKeeper answers a failed evaluation with ZAUTHFAILED (or
    // ZSESSIONCLOSEDREQUIRESASLAUTH when it requires SASL) and a null
    // token, then closes the session.
    auto e = ErrorFromCode(h->err);
    SaslFailed(fmt::format("the server refused the SASL {} exchange: {}", config_.sasl->Name(),
                           e ? std::string(ErrorName(*e)) : fmt::format("error {}", h->err)));
    return;
  }
  auto token = ParseSaslResponse(body);
  if (!token.ok()) {
    Drop("bad SetSASLResponse: " + token.status().ToString(), now, true);
    return;
  }
  if (sasl_complete_) {
    // The server's answer to our last token (GSSAPI's final packet).
    ContinueSasl(SaslStep{false, {}, true}, now);
    return;
  }
  auto step = config_.sasl->Step(*token);
  if (!step.ok()) {
    SaslFailed(step.status().message());
    return;
  }
  ContinueSasl(std::move(step).value(), now);
}

void SessionCore::SaslFailed(const std::string& why) {
  log_->Log(LogLevel::kWarn, "session 0x{:x}: SASL authentication with {} failed: {}", session_id_,
            current_ ? current_->ToString() : "?", why);
  Finish(SessionState::kAuthFailed, Error::kAuthFailed);
}

}  // namespace zk::client_internal
