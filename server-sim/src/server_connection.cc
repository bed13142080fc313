#include "server_connection.h"

#include <fmt/format.h>

#include <algorithm>

#include "connection_limits.h"
#include "prep.h"
#include "sasl_digest.h"
#include "sha1.h"
#include "wire_io.h"
#include "zk/wire/four_letter.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"
#include "zk/wire/op_table.h"
#include "zk/wire/password.h"

namespace zk::sim {
namespace {

using wire::OpCode;

// The short name ZooKeeper's `cons` prints as lop (ServerCnxn.getLastOperation).
std::string_view OpName(OpCode op) {
  const wire::OpInfo* info = wire::FindOp(op);
  return info != nullptr ? info->cons_op : "NA";
}

// What a read-only server refuses with NOTREADONLY (ZooKeeper's
// ReadOnlyRequestProcessor): every change, sync and closeSession.
bool RefusedWhenReadOnly(OpCode op) {
  const wire::OpInfo* info = wire::FindOp(op);
  return info != nullptr && info->access == wire::OpAccess::kWrite;
}

std::string Hex(int64_t v) { return fmt::format("{:x}", static_cast<uint64_t>(v)); }

}  // namespace

ServerConnection::ServerConnection(Ensemble* ens, int64_t server, uint64_t conn,
                                   std::string remote_ip, int remote_port, Sink sink,
                                   int64_t max_frame_length)
    : ens_(ens),
      server_(server),
      conn_(conn),
      remote_ip_(std::move(remote_ip)),
      remote_port_(remote_port),
      sink_(std::move(sink)),
      splitter_(max_frame_length) {
  auth_.Add({"ip", remote_ip_});
  established_ms = ens_->clock()->WallMs();
}

ServerConnection::~ServerConnection() { *alive_ = false; }

int64_t ServerConnection::Zxid() const {
  const ServerState* s = const_cast<Ensemble*>(ens_)->Server(server_);
  return s ? s->applied_zxid : 0;
}

void ServerConnection::Detach() {
  closed_ = true;
  frames_.clear();
}

void ServerConnection::Fail(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  frames_.clear();
  if (sink_.close) sink_.close(reason);
}

void ServerConnection::Feed(std::string_view bytes) {
  if (closed_) return;
  splitter_.Feed(bytes);
  if (first_bytes_ && splitter_.buffered().size() >= wire::kFrameLengthSize) {
    first_bytes_ = false;
    if (auto word = wire::DetectFourLetterWord(splitter_.buffered())) {
      std::string w(wire::FourLetterWordName(*word));
      if (*word != wire::FourLetterWord::kTelnetClose) {
        std::string text = sink_.four_letter ? sink_.four_letter(w) : std::string();
        if (!text.empty()) sink_.send(std::move(text));
      }
      Fail("four-letter word " + w);
      return;
    }
  }
  std::string_view payload;
  while (splitter_.Next(&payload)) frames_.emplace_back(payload);
  if (!splitter_.ok()) {
    int64_t len = 0;
    Fail(PeekFrameLength(splitter_.buffered(), &len)
             ? FrameLengthError(remote_ip_, remote_port_, len, splitter_.max_frame_length())
             : splitter_.status().message());
    return;
  }
  Pump();
}

void ServerConnection::Pump() {
  while (!closed_ && !busy_ && !frames_.empty() && (!sink_.may_proceed || sink_.may_proceed())) {
    ServerState* s = ens_->Server(server_);
    if (s == nullptr || !(s->serving || s->read_only)) {
      Fail("server not serving");
      return;
    }
    std::string frame = std::move(frames_.front());
    frames_.pop_front();
    ++received;
    ++s->stats.packets_received;
    // A handler either finishes inline or leaves the queue blocked until its
    // completion calls Complete() (which may also happen inline, from a
    // zero-lag commit).
    busy_ = true;
    in_handler_ = true;
    completed_inline_ = false;
    bool done = true;
    if (!handshake_done_) {
      HandleConnect(frame);
      done = handshake_done_ || closed_;
    } else {
      done = HandleRequest(frame);
    }
    in_handler_ = false;
    if (done || completed_inline_) busy_ = false;
  }
}

void ServerConnection::Complete() {
  if (in_handler_) {
    completed_inline_ = true;
    return;
  }
  busy_ = false;
  Pump();
}

void ServerConnection::Reply(int32_t xid, Error err, const std::string& body, int64_t start_ms) {
  if (closed_) return;
  const int64_t zxid = xid == wire::kAuthXid ? 0 : Zxid();
  std::string payload;
  wire::Writer w(&payload);
  wire::Encode(w, wire::ReplyHeader{xid, zxid, err});
  if (err == Error::kOk) w.Raw(body);
  std::string out;
  wire::AppendFrame(&out, payload);
  ++sent;
  if (ServerState* s = ens_->Server(server_)) {
    ++s->stats.packets_sent;
    if (start_ms >= 0) {
      int64_t lat = ens_->clock()->NowMs() - start_ms;
      s->stats.Record(lat);
      last_latency = lat;
      min_latency = min_latency < 0 ? lat : std::min(min_latency, lat);
      max_latency = std::max(max_latency, lat);
      total_latency += lat;
      ++count;
    }
  }
  last_zxid = zxid;
  last_response_ms = ens_->clock()->NowMs();
  sink_.send(std::move(out));
}

void ServerConnection::Notify(EventType type, const std::string& path) {
  if (closed_ || !handshake_done_) return;
  std::string out;
  wire::AppendNotificationFrame(&out, wire::WatcherEvent{static_cast<wire::EventType>(type),
                                                         wire::KeeperState::kSyncConnected, path});
  ++sent;
  if (ServerState* s = ens_->Server(server_)) ++s->stats.packets_sent;
  sink_.send(std::move(out));
}

void ServerConnection::HandleConnect(std::string_view frame) {
  wire::Reader r(frame);
  wire::ConnectRequest req;
  if (!wire::Decode(r, &req)) {
    Fail("bad ConnectRequest: " + r.status().message());
    return;
  }
  old_client_ = req.legacy_form;
  const int64_t sid = req.session_id;
  ServerState* s = ens_->Server(server_);
  if (s->read_only && !req.read_only) {
    // A read-write client on a read-only server: closed without a reply, as ZooKeeper 3.8.
    Fail("Refusing a read-write client on a read-only server");
    return;
  }
  if (req.last_zxid_seen > s->applied_zxid) {
    Fail(fmt::format("Refusing session request: client lastZxid 0x{} ahead of 0x{}",
                     Hex(req.last_zxid_seen), Hex(s->applied_zxid)));
    return;
  }
  timeout_ms = ens_->sessions().Negotiate(req.timeout_ms);
  auto respond = [this](int32_t to, int64_t id) {
    wire::ConnectResponse resp;
    resp.timeout_ms = to;
    resp.session_id = id;
    if (id != 0) resp.passwd = wire::SessionPassword(id);
    resp.legacy_form = old_client_;
    const ServerState* st = ens_->Server(server_);
    resp.read_only = st != nullptr && st->read_only;
    std::string out;
    wire::AppendRecordsFrame(&out, resp);
    ++sent;
    if (ServerState* st = ens_->Server(server_)) ++st->stats.packets_sent;
    sink_.send(std::move(out));
  };
  const int64_t now = ens_->clock()->NowMs();
  if (sid == 0 && s->read_only) {
    // A read-only server's session is local: no transaction, no quorum.
    int64_t id = ens_->sessions().NextId(static_cast<int>(server_));
    Session& se = ens_->sessions().Add(id, timeout_ms, now);
    se.local = true;
    se.server_id = static_cast<int>(server_);
    se.conn = conn_;
    session_id_ = id;
    handshake_done_ = true;
    last_op = "SESS";
    respond(timeout_ms, id);
    return;
  }
  if (sid == 0) {
    int64_t id = ens_->sessions().NextId(static_cast<int>(server_));
    busy_ = true;
    auto alive = alive_;
    ens_->Submit(server_, id, CreateSessionTxn{id, timeout_ms},
                 [this, alive, id, respond](const Txn&) {
                   if (!*alive || closed_) return;
                   session_id_ = id;
                   if (Session* se = ens_->sessions().Find(id)) se->conn = conn_;
                   handshake_done_ = true;
                   last_op = "SESS";
                   respond(timeout_ms, id);
                   Complete();
                 });
    return;
  }
  Session* se = ens_->sessions().Find(sid);
  if (se == nullptr || se->closing || !wire::CheckSessionPassword(sid, req.passwd)) {
    respond(0, 0);
    Fail(fmt::format("invalid session 0x{}", Hex(sid)));
    return;
  }
  if (se->conn != 0 && se->conn != conn_) {
    // Another connection holds the session: it is closed (session moved).
    uint64_t old = se->conn;
    int64_t old_server = se->server_id;
    se->conn = 0;
    ens_->CloseConnection(old_server, old, "session moved");
  }
  se->conn = conn_;
  se->server_id = static_cast<int>(server_);
  se->last_seen_ms = now;
  session_id_ = sid;
  handshake_done_ = true;
  respond(timeout_ms, sid);
}

bool ServerConnection::HandleRequest(std::string_view frame) {
  wire::Reader r(frame);
  wire::RequestHeader h;
  if (!wire::Decode(r, &h)) {
    Fail("truncated RequestHeader");
    return true;
  }
  const int32_t xid = h.xid;
  const OpCode op = h.type;
  ServerState* s = ens_->Server(server_);
  const int64_t start = ens_->clock()->NowMs();
  ens_->sessions().Touch(session_id_, start);
  if (xid >= 0) last_cxid = xid;
  last_op = OpName(op);
  if (!EnforceAuth(xid, op)) return true;
  Result<wire::RequestBody> decoded = wire::DecodeRequestBody(op, r);
  if (!decoded.ok() && decoded.status().code() == Error::kUnimplemented) {
    // Unknown op (and top-level check): UNIMPLEMENTED, then close.
    Unimplemented(xid, op);
    return true;
  }
  if (!decoded.ok()) {
    Reply(xid, Error::kMarshallingError, {}, start);
    Fail("undecodable request: " + decoded.status().message());
    return true;
  }
  if (s->read_only && RefusedWhenReadOnly(op)) {
    // ReadOnlyRequestProcessor: every change (and sync) answers NOTREADONLY;
    // closing a global session too, a local one goes ahead.
    Session* se = ens_->sessions().Find(session_id_);
    const bool local_close = op == OpCode::kCloseSession && se != nullptr && se->local;
    if (!local_close) {
      Reply(xid, Error::kNotReadOnly, {}, start);
      return true;
    }
    ens_->sessions().Remove(session_id_);
    Reply(xid, Error::kOk, {}, start);
    session_id_ = 0;
    Fail("client closed the session");
    return true;
  }
  Handler handler = HandlerFor(op);
  if (handler == nullptr) {
    // sasl and the rest: not served, as an unknown op.
    Unimplemented(xid, op);
    return true;
  }
  return (this->*handler)(Call{xid, op, start, std::move(decoded).value()});
}

void ServerConnection::Unimplemented(int32_t xid, OpCode op) {
  std::string out;
  wire::AppendReplyFrame(&out, wire::ReplyHeader{xid, -1, Error::kUnimplemented});
  sink_.send(std::move(out));
  Fail(fmt::format("unknown opcode {}", static_cast<int32_t>(op)));
}

}  // namespace zk::sim
