// One handler per operation, and the table that maps an opcode to its
// handler. HandleRequest (server_connection.cc) has decoded the body and
// applied the read-only rule before a handler runs; each handler replies
// inline (returns true) or once its transaction or sync is done (returns
// false and calls Complete()).
#include <algorithm>
#include <array>
#include <utility>

#include "server_connection.h"
#include "sha1.h"
#include "wire_io.h"

namespace zk::sim {
namespace {

using wire::OpCode;

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

}  // namespace

// Adding an operation: its row in wire's opcode table, a handler here and
// its line in this table.
ServerConnection::Handler ServerConnection::HandlerFor(OpCode op) {
  struct HandlerEntry {
    OpCode op;
    Handler handler;
  };
  static constexpr std::array<HandlerEntry, 29> kHandlers = {{
      {OpCode::kPing, &ServerConnection::HandlePing},
      {OpCode::kAuth, &ServerConnection::HandleAuth},
      {OpCode::kCreate, &ServerConnection::HandleWrite},
      {OpCode::kCreate2, &ServerConnection::HandleWrite},
      {OpCode::kCreateContainer, &ServerConnection::HandleWrite},
      {OpCode::kCreateTtl, &ServerConnection::HandleWrite},
      {OpCode::kDelete, &ServerConnection::HandleWrite},
      {OpCode::kSetData, &ServerConnection::HandleWrite},
      {OpCode::kSetAcl, &ServerConnection::HandleWrite},
      {OpCode::kMulti, &ServerConnection::HandleMulti},
      {OpCode::kCloseSession, &ServerConnection::HandleCloseSession},
      {OpCode::kSync, &ServerConnection::HandleSync},
      {OpCode::kExists, &ServerConnection::HandleRead},
      {OpCode::kGetData, &ServerConnection::HandleRead},
      {OpCode::kGetChildren, &ServerConnection::HandleRead},
      {OpCode::kGetChildren2, &ServerConnection::HandleRead},
      {OpCode::kGetAcl, &ServerConnection::HandleGetAcl},
      {OpCode::kMultiRead, &ServerConnection::HandleMultiRead},
      {OpCode::kCheckWatches, &ServerConnection::HandleWatchCheck},
      {OpCode::kRemoveWatches, &ServerConnection::HandleWatchCheck},
      {OpCode::kSetWatches, &ServerConnection::HandleSetWatches},
      {OpCode::kSetWatches2, &ServerConnection::HandleSetWatches2},
      {OpCode::kGetEphemerals, &ServerConnection::HandleGetEphemerals},
      {OpCode::kGetAllChildrenNumber, &ServerConnection::HandleGetAllChildrenNumber},
      {OpCode::kAddWatch, &ServerConnection::HandleAddWatch},
      {OpCode::kWhoAmI, &ServerConnection::HandleWhoAmI},
      {OpCode::kReconfig, &ServerConnection::HandleReconfigCall},
      {OpCode::kSasl, &ServerConnection::HandleSaslCall},
      {OpCode::kCheck, nullptr},  // only inside multi
  }};
  for (const HandlerEntry& e : kHandlers) {
    if (e.op == op) return e.handler;
  }
  return nullptr;
}

bool ServerConnection::SubmitWrite(TxnBody txn, std::function<void(const Txn&)> make_reply) {
  auto alive = alive_;
  ens_->Submit(server_, session_id_, std::move(txn),
               [this, alive, make_reply = std::move(make_reply)](const Txn& t) {
                 if (!*alive || closed_) return;
                 make_reply(t);
                 Complete();
               });
  return false;
}

PrepContext ServerConnection::MakePrepContext() const {
  const EnsembleOptions& opts = ens_->options();
  PrepContext ctx;
  ctx.session_id = session_id_;
  ctx.auth = &auth_;
  ctx.skip_acl = opts.skip_acl;
  ctx.ttl_enabled = opts.extended_types_enabled;
  return ctx;
}

bool ServerConnection::Readable(const Node& n) const {
  return CheckAcl(n.acl, auth_, kPermRead, ens_->options().skip_acl);
}

wire::Stat ServerConnection::StatOf(const std::string& path) const {
  const Node* n = ens_->Server(server_)->tree.Find(path);
  return ToWire(n ? n->ToStat() : Stat{});
}

bool ServerConnection::HandlePing(const Call& call) {
  Reply(call.xid, Error::kOk, {}, -1);
  return true;
}

bool ServerConnection::HandleAuth(const Call& call) {
  const EnsembleOptions& opts = ens_->options();
  const auto& auth = std::get<wire::AuthPacket>(call.body);
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

bool ServerConnection::HandleWrite(const Call& call) {
  const int32_t xid = call.xid;
  const OpCode op = call.op;
  const int64_t start = call.start_ms;
  WriteOp wop;
  if (auto* c = std::get_if<wire::CreateRequest>(&call.body)) {
    wop = FromWire(*c, op);
  } else if (auto* t = std::get_if<wire::CreateTtlRequest>(&call.body)) {
    wop = FromWire(*t);
  } else if (auto* d = std::get_if<wire::DeleteRequest>(&call.body)) {
    wop = FromWire(*d);
  } else if (auto* sd = std::get_if<wire::SetDataRequest>(&call.body)) {
    wop = FromWire(*sd);
  } else {
    wop = FromWire(std::get<wire::SetAclRequest>(call.body));
  }
  auto sub = PrepOp(ens_->committed(), wop, MakePrepContext());
  if (!sub.ok()) {
    Error err = sub.status().code();
    return SubmitWrite(ErrorTxn{err},
                       [this, xid, err, start](const Txn&) { Reply(xid, err, {}, start); });
  }
  std::string path = std::visit([](const auto& t) { return t.path; }, sub.value());
  return SubmitWrite(ToBody(sub.value()), [this, xid, op, path, start](const Txn&) {
    std::string b;
    if (op == OpCode::kCreate) {
      b = EncodeBody(wire::CreateResponse{path});
    } else if (op == OpCode::kCreate2 || op == OpCode::kCreateContainer ||
               op == OpCode::kCreateTtl) {
      b = EncodeBody(wire::Create2Response{path, StatOf(path)});
    } else if (op == OpCode::kSetData) {
      b = EncodeBody(wire::SetDataResponse{StatOf(path)});
    } else if (op == OpCode::kSetAcl) {
      b = EncodeBody(wire::SetAclResponse{StatOf(path)});
    }
    Reply(xid, Error::kOk, b, start);
  });
}

bool ServerConnection::HandleMulti(const Call& call) {
  const int32_t xid = call.xid;
  const int64_t start = call.start_ms;
  const auto& multi = std::get<wire::MultiRequest>(call.body);
  std::vector<WriteOp> ops;
  std::vector<OpCode> types;
  for (const wire::MultiOp& mop : multi.ops) {
    ops.push_back(ToWriteOp(mop));
    types.push_back(mop.type);
  }
  MultiTxn m = PrepMulti(ens_->committed(), ops, MakePrepContext());
  return SubmitWrite(m, [this, xid, types, start](const Txn& t) {
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
                                    wire::Create2Response{path, StatOf(path)});
          break;
        case OpCode::kDelete:
          resp.results.emplace_back(std::in_place_type<wire::DeleteResult>, wire::DeleteResult{});
          break;
        case OpCode::kSetData:
          resp.results.emplace_back(std::in_place_type<wire::SetDataResponse>,
                                    wire::SetDataResponse{StatOf(path)});
          break;
        default:
          resp.results.emplace_back(std::in_place_type<wire::CheckResult>, wire::CheckResult{});
          break;
      }
    }
    Reply(xid, Error::kOk, EncodeBody(resp), start);
  });
}

bool ServerConnection::HandleCloseSession(const Call& call) {
  const int32_t xid = call.xid;
  const int64_t start = call.start_ms;
  return SubmitWrite(CloseSessionTxn{session_id_}, [this, xid, start](const Txn&) {
    Reply(xid, Error::kOk, {}, start);
    session_id_ = 0;
    Fail("client closed the session");
  });
}

bool ServerConnection::HandleSync(const Call& call) {
  const int32_t xid = call.xid;
  const int64_t start = call.start_ms;
  std::string path = std::get<wire::SyncRequest>(call.body).path;
  auto alive = alive_;
  ens_->Sync(server_, [this, alive, xid, path, start] {
    if (!*alive || closed_) return;
    Reply(xid, Error::kOk, EncodeBody(wire::SyncResponse{path}), start);
    Complete();
  });
  return false;
}

bool ServerConnection::HandleRead(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const OpCode op = call.op;
  std::string path;
  bool watch = false;
  std::visit(
      [&](const auto& req) {
        if constexpr (requires { req.watch; }) {
          path = req.path;
          watch = req.watch;
        }
      },
      call.body);
  const Node* n = s->tree.Find(path);
  if (n == nullptr) {
    if (op == OpCode::kExists && watch) s->watches.AddData(conn_, path);
    Reply(call.xid, Error::kNoNode, {}, call.start_ms);
    return true;
  }
  if (!Readable(*n)) {
    Reply(call.xid, Error::kNoAuth, {}, call.start_ms);
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
  Reply(call.xid, Error::kOk, b, call.start_ms);
  return true;
}

bool ServerConnection::HandleGetAcl(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const std::string& path = std::get<wire::GetAclRequest>(call.body).path;
  const Node* n = s->tree.Find(path);
  if (n == nullptr) {
    Reply(call.xid, Error::kNoNode, {}, call.start_ms);
    return true;
  }
  bool admin = CheckAcl(n->acl, auth_, kPermAdmin, ens_->options().skip_acl);
  if (!admin && !Readable(*n)) {
    Reply(call.xid, Error::kNoAuth, {}, call.start_ms);
    return true;
  }
  AclList acl = n->acl;
  if (!admin) {
    for (Acl& a : acl) {
      if (a.id.scheme == "digest") a.id.id = a.id.id.substr(0, a.id.id.find(':')) + ":x";
    }
  }
  Reply(call.xid, Error::kOk,
        EncodeBody(wire::GetAclResponse{ToWire(acl), ToWire(n->ToStat())}), call.start_ms);
  return true;
}

bool ServerConnection::HandleMultiRead(const Call& call) {
  ServerState* s = ens_->Server(server_);
  wire::MultiResponse resp;
  for (const wire::MultiOp& mop : std::get<wire::MultiRequest>(call.body).ops) {
    const std::string& path =
        std::visit([](const auto& req) -> const std::string& { return req.path; }, mop.request);
    const Node* n = s->tree.Find(path);
    Error e = n == nullptr ? Error::kNoNode : !Readable(*n) ? Error::kNoAuth : Error::kOk;
    if (e != Error::kOk) {
      resp.results.emplace_back(std::in_place_type<wire::ErrorResult>, wire::ErrorResult{e});
    } else if (mop.type == OpCode::kGetData) {
      resp.results.emplace_back(std::in_place_type<wire::GetDataResponse>,
                                wire::GetDataResponse{n->data, ToWire(n->ToStat())});
    } else {
      resp.results.emplace_back(
          std::in_place_type<wire::GetChildrenResponse>,
          wire::GetChildrenResponse{std::vector<std::string>(n->children.begin(),
                                                             n->children.end())});
    }
  }
  Reply(call.xid, Error::kOk, EncodeBody(resp), call.start_ms);
  return true;
}

bool ServerConnection::HandleWatchCheck(const Call& call) {
  ServerState* s = ens_->Server(server_);
  std::string path;
  wire::WatcherType type{};
  if (auto* c = std::get_if<wire::CheckWatchesRequest>(&call.body)) {
    path = c->path;
    type = c->type;
  } else {
    const auto& rm = std::get<wire::RemoveWatchesRequest>(call.body);
    path = rm.path;
    type = rm.type;
  }
  bool found = s->watches.CheckOrRemove(conn_, path, static_cast<int32_t>(type),
                                        call.op == OpCode::kRemoveWatches);
  Reply(call.xid, found ? Error::kOk : Error::kNoWatcher, {}, call.start_ms);
  return true;
}

bool ServerConnection::HandleSetWatches(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const auto& sw = std::get<wire::SetWatches>(call.body);
  s->watches.SetWatches(conn_, sw.relative_zxid, s->tree, sw.data_watches, sw.exist_watches,
                        sw.child_watches, {}, {});
  Reply(call.xid, Error::kOk, {}, call.start_ms);
  return true;
}

bool ServerConnection::HandleSetWatches2(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const auto& sw = std::get<wire::SetWatches2>(call.body);
  s->watches.SetWatches(conn_, sw.relative_zxid, s->tree, sw.data_watches, sw.exist_watches,
                        sw.child_watches, sw.persistent_watches, sw.persistent_recursive_watches);
  Reply(call.xid, Error::kOk, {}, call.start_ms);
  return true;
}

bool ServerConnection::HandleGetEphemerals(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const std::optional<std::string>& prefix =
      std::get<wire::GetEphemeralsRequest>(call.body).prefix_path;
  wire::GetEphemeralsResponse resp;
  for (const auto& p : s->tree.Ephemerals(session_id_)) {
    if (!prefix || prefix->empty() || *prefix == "/" || p.rfind(*prefix, 0) == 0)
      resp.ephemerals.push_back(p);
  }
  Reply(call.xid, Error::kOk, EncodeBody(resp), call.start_ms);
  return true;
}

bool ServerConnection::HandleGetAllChildrenNumber(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const std::string& path = std::get<wire::GetAllChildrenNumberRequest>(call.body).path;
  const Node* n = s->tree.Find(path);
  if (n == nullptr) {
    Reply(call.xid, Error::kNoNode, {}, call.start_ms);
    return true;
  }
  if (!Readable(*n)) {
    Reply(call.xid, Error::kNoAuth, {}, call.start_ms);
    return true;
  }
  Reply(call.xid, Error::kOk,
        EncodeBody(wire::GetAllChildrenNumberResponse{s->tree.CountDescendants(path)}),
        call.start_ms);
  return true;
}

bool ServerConnection::HandleAddWatch(const Call& call) {
  ServerState* s = ens_->Server(server_);
  const auto& aw = std::get<wire::AddWatchRequest>(call.body);
  s->watches.AddPersistent(conn_, aw.path, aw.mode == wire::AddWatchMode::kPersistentRecursive);
  Reply(call.xid, Error::kOk, EncodeBody(wire::ErrorResponse{Error::kOk}), call.start_ms);
  return true;
}

bool ServerConnection::HandleWhoAmI(const Call& call) {
  std::vector<AclId> ids = auth_.ids;
  std::stable_partition(ids.begin(), ids.end(), [](const AclId& i) { return i.scheme != "ip"; });
  wire::WhoAmIResponse resp;
  for (const AclId& id : ids) {
    std::string user = id.scheme == "digest" ? id.id.substr(0, id.id.find(':')) : id.id;
    resp.client_info.push_back({id.scheme, user});
  }
  Reply(call.xid, Error::kOk, EncodeBody(resp), call.start_ms);
  return true;
}

bool ServerConnection::HandleReconfigCall(const Call& call) {
  return HandleReconfig(std::get<wire::ReconfigRequest>(call.body), call.xid, call.start_ms);
}

bool ServerConnection::HandleSaslCall(const Call& call) {
  HandleSasl(std::get<wire::GetSaslRequest>(call.body), call.xid);
  return true;
}

}  // namespace zk::sim
