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
#include "zk/wire/password.h"

namespace zk::sim {
namespace {

using wire::OpCode;

// The short names ZooKeeper's `cons` prints as lop (ServerCnxn.getLastOperation).
const char* OpName(OpCode op) {
  switch (op) {
    case OpCode::kPing:
      return "PING";
    case OpCode::kMulti:
      return "MULT";
    case OpCode::kMultiRead:
      return "MLTR";
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl:
      return "CREA";
    case OpCode::kDelete:
      return "DELE";
    case OpCode::kSetData:
      return "SETD";
    case OpCode::kReconfig:
      return "RECO";
    case OpCode::kSetAcl:
      return "SETA";
    case OpCode::kCloseSession:
      return "CLOS";
    case OpCode::kSync:
      return "SYNC";
    case OpCode::kCheck:
      return "CHEC";
    case OpCode::kExists:
      return "EXIS";
    case OpCode::kGetData:
      return "GETD";
    case OpCode::kSetWatches:
      return "SETW";
    case OpCode::kSetWatches2:
      return "STW2";
    case OpCode::kAddWatch:
      return "ADDW";
    case OpCode::kGetAcl:
      return "GETA";
    case OpCode::kGetChildren:
    case OpCode::kGetChildren2:
      return "GETC";
    case OpCode::kGetAllChildrenNumber:
      return "GETACN";
    case OpCode::kCheckWatches:
      return "CHKW";
    case OpCode::kRemoveWatches:
      return "REMW";
    case OpCode::kWhoAmI:
      return "HOMI";
    case OpCode::kGetEphemerals:
      return "GETE";
    default:
      return "NA";
  }
}

// One write op of a multi (or a top-level write) as PrepOp takes it.
// REQUIRES: `op` is a write op of a multi (wire::IsMultiWriteOp).
WriteOp ToWriteOp(const wire::MultiOp& op) {
  return std::visit(
      [&](const auto& req) -> WriteOp {
        using T = std::decay_t<decltype(req)>;
        if constexpr (std::is_same_v<T, wire::CreateRequest>) {
          return FromWire(req, op.type);
        } else if constexpr (std::is_same_v<T, wire::GetDataRequest> ||
                             std::is_same_v<T, wire::GetChildrenRequest>) {
          return CheckReq{req.path, -1};  // unreachable: DecodeMultiRequest(kMulti)
        } else {
          return FromWire(req);
        }
      },
      op.request);
}

TxnBody ToBody(const SubTxn& s) {
  return std::visit(
      [](const auto& t) -> TxnBody {
        if constexpr (std::is_same_v<std::decay_t<decltype(t)>, CheckTxn>) {
          return ErrorTxn{Error::kOk};
        } else {
          return t;
        }
      },
      s);
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
    // PROTOCOL.md §2.2 step 3: closed without a reply.
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
    std::string out;
    wire::AppendReplyFrame(&out, wire::ReplyHeader{xid, -1, Error::kUnimplemented});
    sink_.send(std::move(out));
    Fail(fmt::format("unknown opcode {}", static_cast<int32_t>(op)));
    return true;
  }
  if (!decoded.ok()) {
    Reply(xid, Error::kMarshallingError, {}, start);
    Fail("undecodable request: " + decoded.status().message());
    return true;
  }
  wire::RequestBody& body = *decoded;
  if (s->read_only) {
    // ReadOnlyRequestProcessor: every change (and sync) answers NOTREADONLY;
    // closing a global session too, a local one goes ahead.
    Session* se = ens_->sessions().Find(session_id_);
    const bool local_close = op == OpCode::kCloseSession && se != nullptr && se->local;
    switch (op) {
      case OpCode::kSync:
      case OpCode::kCreate:
      case OpCode::kCreate2:
      case OpCode::kCreateTtl:
      case OpCode::kCreateContainer:
      case OpCode::kDelete:
      case OpCode::kDeleteContainer:
      case OpCode::kSetData:
      case OpCode::kReconfig:
      case OpCode::kSetAcl:
      case OpCode::kMulti:
      case OpCode::kCheck:
      case OpCode::kCloseSession:
        if (!local_close) {
          Reply(xid, Error::kNotReadOnly, {}, start);
          return true;
        }
        ens_->sessions().Remove(session_id_);
        Reply(xid, Error::kOk, {}, start);
        session_id_ = 0;
        Fail("client closed the session");
        return true;
      default:
        break;
    }
  }
  const EnsembleOptions& opts = ens_->options();
  PrepContext ctx;
  ctx.session_id = session_id_;
  ctx.auth = &auth_;
  ctx.skip_acl = opts.skip_acl;
  ctx.ttl_enabled = opts.extended_types_enabled;
  auto readable = [&](const Node& n) { return CheckAcl(n.acl, auth_, kPermRead, opts.skip_acl); };
  auto alive = alive_;
  // Writes: validate against the leader's state, submit, reply when this
  // server has applied the transaction.
  auto submit = [&](TxnBody txn, std::function<void(const Txn&)> make_reply) {
    ens_->Submit(server_, session_id_, std::move(txn), [this, alive, make_reply](const Txn& t) {
      if (!*alive || closed_) return;
      make_reply(t);
      Complete();
    });
    return false;
  };
  auto stat_of = [this](const std::string& path) {
    const Node* n = ens_->Server(server_)->tree.Find(path);
    return ToWire(n ? n->ToStat() : Stat{});
  };
  switch (op) {
    case OpCode::kPing:
      Reply(xid, Error::kOk, {}, -1);
      return true;
    case OpCode::kAuth: {
      const auto& auth = std::get<wire::AuthPacket>(body);
      if (auth.scheme == wire::kSchemeDigest) {
        std::string id = DigestId(auth.auth.value_or(std::string()));
        auth_.Add({"digest", id});
        if (!opts.super_digest.empty() && id == opts.super_digest) auth_.Add({"super", ""});
        Reply(wire::kAuthXid, Error::kOk, {}, -1);
      } else {
        Reply(wire::kAuthXid, Error::kAuthFailed, {}, -1);
        Fail("auth failed for scheme " + auth.scheme);
      }
      return true;
    }
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl:
    case OpCode::kDelete:
    case OpCode::kSetData:
    case OpCode::kSetAcl: {
      WriteOp wop;
      if (auto* c = std::get_if<wire::CreateRequest>(&body)) {
        wop = FromWire(*c, op);
      } else if (auto* t = std::get_if<wire::CreateTtlRequest>(&body)) {
        wop = FromWire(*t);
      } else if (auto* d = std::get_if<wire::DeleteRequest>(&body)) {
        wop = FromWire(*d);
      } else if (auto* sd = std::get_if<wire::SetDataRequest>(&body)) {
        wop = FromWire(*sd);
      } else {
        wop = FromWire(std::get<wire::SetAclRequest>(body));
      }
      auto sub = PrepOp(ens_->committed(), wop, ctx);
      if (!sub.ok()) {
        Error err = sub.status().code();
        return submit(ErrorTxn{err},
                      [this, xid, err, start](const Txn&) { Reply(xid, err, {}, start); });
      }
      std::string path = std::visit([](const auto& t) { return t.path; }, sub.value());
      return submit(ToBody(sub.value()), [this, xid, op, path, start, stat_of](const Txn&) {
        std::string b;
        if (op == OpCode::kCreate) {
          b = EncodeBody(wire::CreateResponse{path});
        } else if (op == OpCode::kCreate2 || op == OpCode::kCreateContainer ||
                   op == OpCode::kCreateTtl) {
          b = EncodeBody(wire::Create2Response{path, stat_of(path)});
        } else if (op == OpCode::kSetData) {
          b = EncodeBody(wire::SetDataResponse{stat_of(path)});
        } else if (op == OpCode::kSetAcl) {
          b = EncodeBody(wire::SetAclResponse{stat_of(path)});
        }
        Reply(xid, Error::kOk, b, start);
      });
    }
    case OpCode::kMulti: {
      const auto& multi = std::get<wire::MultiRequest>(body);
      std::vector<WriteOp> ops;
      std::vector<OpCode> types;
      for (const wire::MultiOp& mop : multi.ops) {
        ops.push_back(ToWriteOp(mop));
        types.push_back(mop.type);
      }
      MultiTxn m = PrepMulti(ens_->committed(), ops, ctx);
      return submit(m, [this, xid, types, start, stat_of](const Txn& t) {
        const auto& mt = std::get<MultiTxn>(t.body);
        wire::MultiResponse resp;
        for (size_t i = 0; i < types.size(); ++i) {
          if (!mt.errors.empty()) {
            resp.results.emplace_back(std::in_place_type<wire::ErrorResult>,
                                      wire::ErrorResult{mt.errors[i]});
            continue;
          }
          std::string path = std::visit([](const auto& x) { return x.path; }, mt.ops[i]);
          switch (types[i]) {
            case OpCode::kCreate:
              resp.results.emplace_back(std::in_place_type<wire::CreateResponse>,
                                        wire::CreateResponse{path});
              break;
            case OpCode::kCreate2:
            case OpCode::kCreateContainer:
            case OpCode::kCreateTtl:
              resp.results.emplace_back(std::in_place_type<wire::Create2Response>,
                                        wire::Create2Response{path, stat_of(path)});
              break;
            case OpCode::kDelete:
              resp.results.emplace_back(std::in_place_type<wire::DeleteResult>,
                                        wire::DeleteResult{});
              break;
            case OpCode::kSetData:
              resp.results.emplace_back(std::in_place_type<wire::SetDataResponse>,
                                        wire::SetDataResponse{stat_of(path)});
              break;
            default:
              resp.results.emplace_back(std::in_place_type<wire::CheckResult>, wire::CheckResult{});
              break;
          }
        }
        Reply(xid, Error::kOk, EncodeBody(resp), start);
      });
    }
    case OpCode::kCloseSession:
      return submit(CloseSessionTxn{session_id_}, [this, xid, start](const Txn&) {
        Reply(xid, Error::kOk, {}, start);
        session_id_ = 0;
        Fail("client closed the session");
      });
    case OpCode::kSync: {
      std::string path = std::get<wire::SyncRequest>(body).path;
      ens_->Sync(server_, [this, alive, xid, path, start] {
        if (!*alive || closed_) return;
        Reply(xid, Error::kOk, EncodeBody(wire::SyncResponse{path}), start);
        Complete();
      });
      return false;
    }
    case OpCode::kExists:
    case OpCode::kGetData:
    case OpCode::kGetChildren:
    case OpCode::kGetChildren2: {
      std::string path;
      bool watch = false;
      std::visit(
          [&](const auto& req) {
            if constexpr (requires { req.watch; }) {
              path = req.path;
              watch = req.watch;
            }
          },
          body);
      const Node* n = s->tree.Find(path);
      if (n == nullptr) {
        if (op == OpCode::kExists && watch) s->watches.AddData(conn_, path);
        Reply(xid, Error::kNoNode, {}, start);
        return true;
      }
      if (!readable(*n)) {
        Reply(xid, Error::kNoAuth, {}, start);
        return true;
      }
      const wire::Stat stat = ToWire(n->ToStat());
      std::vector<std::string> children(n->children.begin(), n->children.end());
      std::string b;
      if (op == OpCode::kExists) {
        b = EncodeBody(wire::ExistsResponse{stat});
        if (watch) s->watches.AddData(conn_, path);
      } else if (op == OpCode::kGetData) {
        b = EncodeBody(wire::GetDataResponse{n->data, stat});
        if (watch) s->watches.AddData(conn_, path);
      } else {
        b = op == OpCode::kGetChildren2
                ? EncodeBody(wire::GetChildren2Response{std::move(children), stat})
                : EncodeBody(wire::GetChildrenResponse{std::move(children)});
        if (watch) s->watches.AddChild(conn_, path);
      }
      Reply(xid, Error::kOk, b, start);
      return true;
    }
    case OpCode::kGetAcl: {
      const std::string& path = std::get<wire::GetAclRequest>(body).path;
      const Node* n = s->tree.Find(path);
      if (n == nullptr) {
        Reply(xid, Error::kNoNode, {}, start);
        return true;
      }
      bool admin = CheckAcl(n->acl, auth_, kPermAdmin, opts.skip_acl);
      if (!admin && !readable(*n)) {
        Reply(xid, Error::kNoAuth, {}, start);
        return true;
      }
      AclList acl = n->acl;
      if (!admin) {
        for (Acl& a : acl) {
          if (a.id.scheme == "digest") a.id.id = a.id.id.substr(0, a.id.id.find(':')) + ":x";
        }
      }
      Reply(xid, Error::kOk, EncodeBody(wire::GetAclResponse{ToWire(acl), ToWire(n->ToStat())}),
            start);
      return true;
    }
    case OpCode::kMultiRead: {
      wire::MultiResponse resp;
      for (const wire::MultiOp& mop : std::get<wire::MultiRequest>(body).ops) {
        const std::string& path =
            std::visit([](const auto& req) -> const std::string& { return req.path; }, mop.request);
        const Node* n = s->tree.Find(path);
        Error e = n == nullptr ? Error::kNoNode : !readable(*n) ? Error::kNoAuth : Error::kOk;
        if (e != Error::kOk) {
          resp.results.emplace_back(std::in_place_type<wire::ErrorResult>, wire::ErrorResult{e});
        } else if (mop.type == OpCode::kGetData) {
          resp.results.emplace_back(std::in_place_type<wire::GetDataResponse>,
                                    wire::GetDataResponse{n->data, ToWire(n->ToStat())});
        } else {
          resp.results.emplace_back(std::in_place_type<wire::GetChildrenResponse>,
                                    wire::GetChildrenResponse{std::vector<std::string>(
                                        n->children.begin(), n->children.end())});
        }
      }
      Reply(xid, Error::kOk, EncodeBody(resp), start);
      return true;
    }
    case OpCode::kCheckWatches:
    case OpCode::kRemoveWatches: {
      std::string path;
      wire::WatcherType type{};
      if (auto* c = std::get_if<wire::CheckWatchesRequest>(&body)) {
        path = c->path;
        type = c->type;
      } else {
        const auto& rm = std::get<wire::RemoveWatchesRequest>(body);
        path = rm.path;
        type = rm.type;
      }
      bool found = s->watches.CheckOrRemove(conn_, path, static_cast<int32_t>(type),
                                            op == OpCode::kRemoveWatches);
      Reply(xid, found ? Error::kOk : Error::kNoWatcher, {}, start);
      return true;
    }
    case OpCode::kSetWatches: {
      const auto& sw = std::get<wire::SetWatches>(body);
      s->watches.SetWatches(conn_, sw.relative_zxid, s->tree, sw.data_watches, sw.exist_watches,
                            sw.child_watches, {}, {});
      Reply(xid, Error::kOk, {}, start);
      return true;
    }
    case OpCode::kSetWatches2: {
      const auto& sw = std::get<wire::SetWatches2>(body);
      s->watches.SetWatches(conn_, sw.relative_zxid, s->tree, sw.data_watches, sw.exist_watches,
                            sw.child_watches, sw.persistent_watches,
                            sw.persistent_recursive_watches);
      Reply(xid, Error::kOk, {}, start);
      return true;
    }
    case OpCode::kGetEphemerals: {
      const std::optional<std::string>& prefix =
          std::get<wire::GetEphemeralsRequest>(body).prefix_path;
      wire::GetEphemeralsResponse resp;
      for (const auto& p : s->tree.Ephemerals(session_id_)) {
        if (!prefix || prefix->empty() || *prefix == "/" || p.rfind(*prefix, 0) == 0)
          resp.ephemerals.push_back(p);
      }
      Reply(xid, Error::kOk, EncodeBody(resp), start);
      return true;
    }
    case OpCode::kGetAllChildrenNumber: {
      const std::string& path = std::get<wire::GetAllChildrenNumberRequest>(body).path;
      const Node* n = s->tree.Find(path);
      if (n == nullptr) {
        Reply(xid, Error::kNoNode, {}, start);
        return true;
      }
      if (!readable(*n)) {
        Reply(xid, Error::kNoAuth, {}, start);
        return true;
      }
      Reply(xid, Error::kOk,
            EncodeBody(wire::GetAllChildrenNumberResponse{s->tree.CountDescendants(path)}), start);
      return true;
    }
    case OpCode::kAddWatch: {
      const auto& aw = std::get<wire::AddWatchRequest>(body);
      s->watches.AddPersistent(conn_, aw.path, aw.mode == wire::AddWatchMode::kPersistentRecursive);
      Reply(xid, Error::kOk, EncodeBody(wire::ErrorResponse{Error::kOk}), start);
      return true;
    }
    case OpCode::kWhoAmI: {
      std::vector<AclId> ids = auth_.ids;
      std::stable_partition(ids.begin(), ids.end(),
                            [](const AclId& i) { return i.scheme != "ip"; });
      wire::WhoAmIResponse resp;
      for (const AclId& id : ids) {
        std::string user = id.scheme == "digest" ? id.id.substr(0, id.id.find(':')) : id.id;
        resp.client_info.push_back({id.scheme, user});
      }
      Reply(xid, Error::kOk, EncodeBody(resp), start);
      return true;
    }
    case OpCode::kReconfig:
      return HandleReconfig(std::get<wire::ReconfigRequest>(body), xid, start);
    case OpCode::kSasl:
      HandleSasl(std::get<wire::GetSaslRequest>(body), xid);
      return true;
    default: {
      // The rest: not served, as an unknown op.
      std::string out;
      wire::AppendReplyFrame(&out, wire::ReplyHeader{xid, -1, Error::kUnimplemented});
      sink_.send(std::move(out));
      Fail(fmt::format("unknown opcode {}", static_cast<int32_t>(op)));
      return true;
    }
  }
}

}  // namespace zk::sim
