#include "server_connection.h"

#include <algorithm>

#include <fmt/format.h>

#include "prep.h"
#include "sha1.h"
#include "wire_io.h"

namespace zk::sim {
namespace {

constexpr int64_t kMaxFrame = 0xfffff;  // jute.maxbuffer

const char* OpName(int32_t op) {
  switch (op) {
    case 11: return "PING";
    case 14: return "MULT";
    case 22: return "MLTR";
    case 1: case 15: case 19: case 21: return "CREA";
    case 2: return "DELE";
    case 5: return "SETD";
    case 16: return "RECO";
    case 7: return "SETA";
    case -11: return "CLOS";
    case 9: return "SYNC";
    case 13: return "CHEC";
    case 3: return "EXIS";
    case 4: return "GETD";
    case 101: return "SETW";
    case 105: return "STW2";
    case 106: return "ADDW";
    case 6: return "GETA";
    case 8: case 12: return "GETC";
    case 104: return "GETACN";
    case 17: return "CHKW";
    case 18: return "REMW";
    case 107: return "HOMI";
    case 103: return "GETE";
    default: return "NA";
  }
}

bool ReadCreate(wire::Reader& r, int32_t op, CreateReq* c) {
  if (!r.String(&c->path) || !r.NullableBuffer(&c->data) || !ReadAcls(r, &c->acl) ||
      !r.Int(&c->flags))
    return false;
  if (op == 21) return r.Long(&c->ttl);
  return true;
}

// Reads one write sub-op of a multi (or a top-level write) by opcode.
bool ReadWriteOp(wire::Reader& r, int32_t op, WriteOp* out) {
  switch (op) {
    case 1: case 15: case 19: case 21: {
      CreateReq c;
      if (!ReadCreate(r, op, &c)) return false;
      *out = std::move(c);
      return true;
    }
    case 2: {
      DeleteReq d;
      if (!r.String(&d.path) || !r.Int(&d.version)) return false;
      *out = std::move(d);
      return true;
    }
    case 5: {
      SetDataReq s;
      if (!r.String(&s.path) || !r.NullableBuffer(&s.data) || !r.Int(&s.version)) return false;
      *out = std::move(s);
      return true;
    }
    case 7: {
      SetAclReq s;
      if (!r.String(&s.path) || !ReadAcls(r, &s.acl) || !r.Int(&s.version)) return false;
      *out = std::move(s);
      return true;
    }
    case 13: {
      CheckReq c;
      if (!r.String(&c.path) || !r.Int(&c.version)) return false;
      *out = std::move(c);
      return true;
    }
    default:
      return r.Fail("not a write op");
  }
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
                                   std::string remote_ip, int remote_port, Sink sink)
    : ens_(ens),
      server_(server),
      conn_(conn),
      remote_ip_(std::move(remote_ip)),
      remote_port_(remote_port),
      sink_(std::move(sink)) {
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
  in_.append(bytes);
  if (first_bytes_ && in_.size() >= 4) {
    first_bytes_ = false;
    static const char* kWords[] = {"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk",
                                   "ruok", "stmk", "srst", "srvr", "stat", "wchc", "wchp",
                                   "wchs", "mntr", "isro", "hash", "shed", "sh25", "sh50"};
    std::string w = in_.substr(0, 4);
    for (const char* k : kWords) {
      if (w == k) {
        std::string text = sink_.four_letter ? sink_.four_letter(w) : std::string();
        if (!text.empty()) sink_.send(std::move(text));
        Fail("four-letter word " + w);
        return;
      }
    }
  }
  size_t pos = 0;
  while (in_.size() - pos >= 4) {
    auto len = static_cast<int32_t>((uint32_t(uint8_t(in_[pos])) << 24) |
                                    (uint32_t(uint8_t(in_[pos + 1])) << 16) |
                                    (uint32_t(uint8_t(in_[pos + 2])) << 8) |
                                    uint32_t(uint8_t(in_[pos + 3])));
    if (len < 0 || len > kMaxFrame) {
      Fail(fmt::format("Len error {}", len));
      return;
    }
    if (in_.size() - pos - 4 < static_cast<size_t>(len)) break;
    frames_.emplace_back(in_.substr(pos + 4, len));
    pos += 4 + len;
  }
  in_.erase(0, pos);
  Pump();
}

void ServerConnection::Pump() {
  while (!closed_ && !busy_ && !frames_.empty()) {
    ServerState* s = ens_->Server(server_);
    if (s == nullptr || !s->serving) {
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

void ServerConnection::Reply(int32_t xid, int32_t err, const std::string& body, int64_t start_ms) {
  if (closed_) return;
  std::string out;
  size_t f = BeginFrame(&out);
  wire::Writer w(&out);
  int64_t zxid = xid == -4 ? 0 : Zxid();
  WriteReplyHeader(w, xid, zxid, err);
  if (err == 0) w.Raw(body);
  EndFrame(&out, f);
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
  size_t f = BeginFrame(&out);
  wire::Writer w(&out);
  WriteReplyHeader(w, -1, -1, 0);
  w.Int(type);
  w.Int(3);  // SyncConnected
  w.String(path);
  EndFrame(&out, f);
  ++sent;
  if (ServerState* s = ens_->Server(server_)) ++s->stats.packets_sent;
  sink_.send(std::move(out));
}

void ServerConnection::HandleConnect(std::string_view frame) {
  wire::Reader r(frame);
  int32_t proto = 0, timeout = 0;
  int64_t last_zxid_seen = 0, sid = 0;
  std::string passwd;
  if (!r.Int(&proto) || !r.Long(&last_zxid_seen) || !r.Int(&timeout) || !r.Long(&sid) ||
      !r.Buffer(&passwd)) {
    Fail("bad ConnectRequest: " + r.status().message());
    return;
  }
  bool ro = false;
  if (r.AtEnd()) {
    old_client_ = true;
  } else {
    (void)r.Bool(&ro);
  }
  ServerState* s = ens_->Server(server_);
  if (last_zxid_seen > s->applied_zxid) {
    Fail(fmt::format("Refusing session request: client lastZxid 0x{} ahead of 0x{}",
                     Hex(last_zxid_seen), Hex(s->applied_zxid)));
    return;
  }
  timeout_ms = ens_->sessions().Negotiate(timeout);
  auto respond = [this](int32_t to, int64_t id) {
    std::string out;
    size_t f = BeginFrame(&out);
    wire::Writer w(&out);
    w.Int(0);
    w.Int(to);
    w.Long(id);
    if (id == 0) {
      w.Buffer(std::string(16, '\0'));
    } else {
      auto pw = Ensemble::Password(id);
      w.Buffer(std::string_view(reinterpret_cast<const char*>(pw.data()), pw.size()));
    }
    if (!old_client_) w.Bool(false);
    EndFrame(&out, f);
    ++sent;
    if (ServerState* st = ens_->Server(server_)) ++st->stats.packets_sent;
    sink_.send(std::move(out));
  };
  const int64_t now = ens_->clock()->NowMs();
  if (sid == 0) {
    int64_t id = ens_->sessions().NextId(static_cast<int>(server_));
    busy_ = true;
    auto alive = alive_;
    ens_->Submit(server_, id, CreateSessionTxn{id, timeout_ms}, [this, alive, id, respond](const Txn&) {
      if (!*alive || closed_) return;
      session_id_ = id;
      if (Session* se = ens_->sessions().Find(id)) se->conn = conn_;
      handshake_done_ = true;
      last_op = "SESS";
      respond(timeout_ms, id);
      Complete();
    });
    (void)now;
    return;
  }
  Session* se = ens_->sessions().Find(sid);
  auto pw = Ensemble::Password(sid);
  bool pw_ok = passwd.size() == 16 && std::equal(pw.begin(), pw.end(), passwd.begin(),
                                                  [](uint8_t a, char b) { return a == uint8_t(b); });
  if (se == nullptr || se->closing || !pw_ok) {
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
  int32_t xid = 0, op = 0;
  if (!r.Int(&xid) || !r.Int(&op)) {
    Fail("truncated RequestHeader");
    return true;
  }
  ServerState* s = ens_->Server(server_);
  const int64_t start = ens_->clock()->NowMs();
  ens_->sessions().Touch(session_id_, start);
  if (xid >= 0) last_cxid = xid;
  last_op = OpName(op);
  const EnsembleOptions& opts = ens_->options();
  PrepContext ctx;
  ctx.session_id = session_id_;
  ctx.auth = &auth_;
  ctx.skip_acl = opts.skip_acl;
  auto readable = [&](const Node& n) { return CheckAcl(n.acl, auth_, kPermRead, opts.skip_acl); };
  auto bad = [&]() {
    Reply(xid, ErrorCode(Error::kMarshallingError), {}, start);
    Fail("undecodable request: " + r.status().message());
    return true;
  };
  std::string body;
  wire::Writer w(&body);
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
  switch (op) {
    case 11:  // ping
      Reply(xid, 0, {}, -1);
      return true;
    case 100: {  // auth
      int32_t type = 0;
      std::string scheme, data;
      if (!r.Int(&type) || !r.String(&scheme) || !r.Buffer(&data)) return bad();
      if (scheme == "digest") {
        std::string id = DigestId(data);
        auth_.Add({"digest", id});
        if (!opts.super_digest.empty() && id == opts.super_digest) auth_.Add({"super", ""});
        Reply(-4, 0, {}, -1);
      } else {
        Reply(-4, ErrorCode(Error::kAuthFailed), {}, -1);
        Fail("auth failed for scheme " + scheme);
      }
      return true;
    }
    case 1: case 15: case 19: case 21: case 2: case 5: case 7: {
      WriteOp wop;
      if (!ReadWriteOp(r, op, &wop)) return bad();
      if (op == 19 && std::get<CreateReq>(wop).flags != kContainer) {
        std::get<CreateReq>(wop).flags = kContainer;
      }
      auto sub = PrepOp(ens_->committed(), wop, ctx);
      if (!sub.ok()) {
        int32_t err = ErrorCode(sub.status().code());
        return submit(ErrorTxn{sub.status().code()},
                      [this, xid, err, start](const Txn&) { Reply(xid, err, {}, start); });
      }
      std::string path = std::visit([](const auto& t) { return t.path; }, sub.value());
      return submit(ToBody(sub.value()), [this, xid, op, path, start](const Txn&) {
        std::string b;
        wire::Writer bw(&b);
        const Node* n = ens_->Server(server_)->tree.Find(path);
        Stat st = n ? n->ToStat() : Stat{};
        if (op == 1) {
          bw.String(path);
        } else if (op == 15 || op == 19 || op == 21) {
          bw.String(path);
          WriteStat(bw, st);
        } else if (op == 5 || op == 7) {
          WriteStat(bw, st);
        }
        Reply(xid, 0, b, start);
      });
    }
    case 14: {  // multi
      std::vector<WriteOp> ops;
      std::vector<int32_t> types;
      for (;;) {
        int32_t type = 0, err = 0;
        bool done = false;
        if (!r.Int(&type) || !r.Bool(&done) || !r.Int(&err)) return bad();
        if (done) break;
        WriteOp wop;
        if (!ReadWriteOp(r, type, &wop)) return bad();
        if (type == 19) std::get<CreateReq>(wop).flags = kContainer;
        ops.push_back(std::move(wop));
        types.push_back(type);
      }
      MultiTxn m = PrepMulti(ens_->committed(), ops, ctx);
      return submit(m, [this, xid, types, start](const Txn& t) {
        const auto& mt = std::get<MultiTxn>(t.body);
        std::string b;
        wire::Writer bw(&b);
        for (size_t i = 0; i < types.size(); ++i) {
          if (!mt.errors.empty()) {
            int32_t e = ErrorCode(mt.errors[i]);
            bw.Int(-1);
            bw.Bool(false);
            bw.Int(e);
            bw.Int(e);
            continue;
          }
          const SubTxn& sub = mt.ops[i];
          std::string path = std::visit([](const auto& x) { return x.path; }, sub);
          const Node* n = ens_->Server(server_)->tree.Find(path);
          Stat st = n ? n->ToStat() : Stat{};
          int32_t ty = types[i];
          int32_t rt = (ty == 19 || ty == 21) ? 15 : ty;
          bw.Int(rt);
          bw.Bool(false);
          bw.Int(0);
          if (rt == 1) {
            bw.String(path);
          } else if (rt == 15) {
            bw.String(path);
            WriteStat(bw, st);
          } else if (rt == 5) {
            WriteStat(bw, st);
          }
        }
        bw.Int(-1);
        bw.Bool(true);
        bw.Int(-1);
        Reply(xid, 0, b, start);
      });
    }
    case -11:  // closeSession
      return submit(CloseSessionTxn{session_id_}, [this, xid, start](const Txn&) {
        Reply(xid, 0, {}, start);
        session_id_ = 0;
        Fail("client closed the session");
      });
    case 9: {  // sync
      std::string path;
      if (!r.String(&path)) return bad();
      ens_->Sync(server_, [this, alive, xid, path, start] {
        if (!*alive || closed_) return;
        std::string b;
        wire::Writer bw(&b);
        bw.String(path);
        Reply(xid, 0, b, start);
        Complete();
      });
      return false;
    }
    case 3: case 4: case 8: case 12: {  // exists, getData, getChildren(2)
      std::string path;
      bool watch = false;
      if (!r.String(&path) || !r.Bool(&watch)) return bad();
      const Node* n = s->tree.Find(path);
      if (n == nullptr) {
        if (op == 3 && watch) s->watches.AddData(conn_, path);
        Reply(xid, ErrorCode(Error::kNoNode), {}, start);
        return true;
      }
      if (!readable(*n)) {
        Reply(xid, ErrorCode(Error::kNoAuth), {}, start);
        return true;
      }
      if (op == 3) {
        WriteStat(w, n->ToStat());
        if (watch) s->watches.AddData(conn_, path);
      } else if (op == 4) {
        w.NullableBuffer(n->data);
        WriteStat(w, n->ToStat());
        if (watch) s->watches.AddData(conn_, path);
      } else {
        w.StringVector(std::vector<std::string>(n->children.begin(), n->children.end()));
        if (op == 12) WriteStat(w, n->ToStat());
        if (watch) s->watches.AddChild(conn_, path);
      }
      Reply(xid, 0, body, start);
      return true;
    }
    case 6: {  // getACL
      std::string path;
      if (!r.String(&path)) return bad();
      const Node* n = s->tree.Find(path);
      if (n == nullptr) {
        Reply(xid, ErrorCode(Error::kNoNode), {}, start);
        return true;
      }
      bool admin = CheckAcl(n->acl, auth_, kPermAdmin, opts.skip_acl);
      if (!admin && !readable(*n)) {
        Reply(xid, ErrorCode(Error::kNoAuth), {}, start);
        return true;
      }
      AclList acl = n->acl;
      if (!admin) {
        for (Acl& a : acl) {
          if (a.id.scheme == "digest") a.id.id = a.id.id.substr(0, a.id.id.find(':')) + ":x";
        }
      }
      WriteAcls(w, acl);
      WriteStat(w, n->ToStat());
      Reply(xid, 0, body, start);
      return true;
    }
    case 22: {  // multiRead
      std::string out;
      wire::Writer ow(&out);
      for (;;) {
        int32_t type = 0, err = 0;
        bool done = false;
        if (!r.Int(&type) || !r.Bool(&done) || !r.Int(&err)) return bad();
        if (done) break;
        std::string path;
        bool watch = false;
        if ((type != 4 && type != 8) || !r.String(&path) || !r.Bool(&watch)) return bad();
        const Node* n = s->tree.Find(path);
        Error e = n == nullptr ? Error::kNoNode : !readable(*n) ? Error::kNoAuth : Error::kOk;
        if (e != Error::kOk) {
          ow.Int(-1);
          ow.Bool(false);
          ow.Int(ErrorCode(e));
          ow.Int(ErrorCode(e));
          continue;
        }
        ow.Int(type);
        ow.Bool(false);
        ow.Int(0);
        if (type == 4) {
          ow.NullableBuffer(n->data);
          WriteStat(ow, n->ToStat());
        } else {
          ow.StringVector(std::vector<std::string>(n->children.begin(), n->children.end()));
        }
      }
      ow.Int(-1);
      ow.Bool(true);
      ow.Int(-1);
      Reply(xid, 0, out, start);
      return true;
    }
    case 17: case 18: {  // checkWatches / removeWatches
      std::string path;
      int32_t type = 0;
      if (!r.String(&path) || !r.Int(&type)) return bad();
      bool found = s->watches.CheckOrRemove(conn_, path, type, op == 18);
      Reply(xid, found ? 0 : ErrorCode(Error::kNoWatcher), {}, start);
      return true;
    }
    case 101: case 105: {  // setWatches(2)
      int64_t rel = 0;
      std::vector<std::string> data, exist, child, pers, rec;
      if (!r.Long(&rel) || !r.StringVector(&data) || !r.StringVector(&exist) ||
          !r.StringVector(&child))
        return bad();
      if (op == 105 && (!r.StringVector(&pers) || !r.StringVector(&rec))) return bad();
      s->watches.SetWatches(conn_, rel, s->tree, data, exist, child, pers, rec);
      Reply(xid, 0, {}, start);
      return true;
    }
    case 103: {  // getEphemerals
      std::optional<std::string> prefix;
      if (!r.NullableString(&prefix)) return bad();
      std::vector<std::string> out;
      for (const auto& p : s->tree.Ephemerals(session_id_)) {
        if (!prefix || prefix->empty() || *prefix == "/" || p.rfind(*prefix, 0) == 0)
          out.push_back(p);
      }
      w.StringVector(out);
      Reply(xid, 0, body, start);
      return true;
    }
    case 104: {  // getAllChildrenNumber
      std::string path;
      if (!r.String(&path)) return bad();
      const Node* n = s->tree.Find(path);
      if (n == nullptr) {
        Reply(xid, ErrorCode(Error::kNoNode), {}, start);
        return true;
      }
      if (!readable(*n)) {
        Reply(xid, ErrorCode(Error::kNoAuth), {}, start);
        return true;
      }
      w.Int(s->tree.CountDescendants(path));
      Reply(xid, 0, body, start);
      return true;
    }
    case 106: {  // addWatch
      std::string path;
      int32_t mode = 0;
      if (!r.String(&path) || !r.Int(&mode)) return bad();
      s->watches.AddPersistent(conn_, path, mode == 1);
      w.Int(0);
      Reply(xid, 0, body, start);
      return true;
    }
    case 107: {  // whoAmI
      std::vector<AclId> ids = auth_.ids;
      std::stable_partition(ids.begin(), ids.end(), [](const AclId& i) { return i.scheme != "ip"; });
      w.Int(static_cast<int32_t>(ids.size()));
      for (const AclId& id : ids) {
        w.String(id.scheme);
        std::string user = id.scheme == "digest" ? id.id.substr(0, id.id.find(':')) : id.id;
        w.String(user);
      }
      Reply(xid, 0, body, start);
      return true;
    }
    case 16:
      return HandleReconfig(r, xid, start);
    default: {
      // Unknown op (and top-level check): UNIMPLEMENTED, then close.
      std::string out;
      size_t f = BeginFrame(&out);
      wire::Writer ew(&out);
      WriteReplyHeader(ew, xid, -1, ErrorCode(Error::kUnimplemented));
      EndFrame(&out, f);
      sink_.send(std::move(out));
      Fail(fmt::format("unknown opcode {}", op));
      return true;
    }
  }
}

}  // namespace zk::sim
