// zk::Client: operations are encoded here (records from zk/wire) and handed
// to the session core as (opcode, body); replies are decoded here.
#include "zk/client/client.h"

#include <random>
#include <type_traits>
#include <variant>

#include "client_impl.h"
#include "config_hosts.h"
#include "sasl_cyrus.h"
#include "tracker.h"
#include "zk/wire/client_config.h"
#include "zk/wire/connect_string.h"
#include "zk/wire/jute.h"
#include "zk/wire/multi.h"
#include "zk/wire/records.h"
#include "zk/wire/requests.h"
#include "zk/wire/responses.h"
#include "zk/wire/znode_path.h"

namespace zk {

using client_internal::ClientImpl;
using client_internal::Reply;
using client_internal::Request;
using client_internal::WatchOn;
using wire::OpCode;
using wire::Reader;

namespace {

constexpr const char* kConfigPath = "/zookeeper/config";

int32_t Code(OpCode op) { return static_cast<int32_t>(op); }

// Client-side path check, as the Java client's before it sends a request.
Status CheckPath(const std::string& path, bool sequential = false) {
  return wire::ValidateZnodePath(path, sequential);
}

template <typename T>
std::string Enc(const T& rec) {
  return wire::EncodeRecord(rec);
}

Status DecodeError(const Reader& r) { return r.ok() ? Status(Error::kMarshallingError, "short reply") : r.status(); }

using ReplyFn = std::function<void(Error, std::string_view)>;

// Every operation's reply goes through one of these two. Expect: a server
// error passes through as a Status (message "<what> failed: <NAME>" when
// `what` is given, else empty); a body is decoded as the wire record R
// (zk/wire/responses.h) and handed to `map` (R -> T or Result<T>); a body
// that does not decode gives the decoder's error.
template <typename R, typename T, typename Map>
ReplyFn Expect(Callback<T> cb, Map map, const char* what = nullptr) {
  return [cb = std::move(cb), map = std::move(map), what](Error e, std::string_view body) {
    if (e != Error::kOk) {
      return cb(Status(e, what ? fmt::format("{} failed: {}", what, ErrorName(e)) : ""));
    }
    Reader r(body);
    R reply;
    if (!wire::Decode(r, &reply)) return cb(DecodeError(r));
    cb(map(std::move(reply)));
  };
}

// For replies without a body: only the error counts.
ReplyFn ExpectNothing(StatusCallback cb) {
  return [cb = std::move(cb)](Error e, std::string_view) { cb(Status(e, "")); };
}

// The create record and its opcode, shared by CreateNode and Multi: create2
// (so that the reply has the Stat), createContainer or createTTL. With acl
// empty: OPEN_ACL_UNSAFE.
wire::MultiOp CreateRecord(std::string full_path, std::optional<std::string> data,
                           std::vector<Acl> acl, CreateMode mode, int64_t ttl_ms) {
  if (acl.empty()) acl = wire::OpenAclUnsafe();
  if (wire::IsTtl(mode)) {
    return wire::MultiOp::CreateTtl(
        wire::CreateTtlRequest{std::move(full_path), std::move(data), std::move(acl), mode, ttl_ms});
  }
  return wire::MultiOp::Create(
      wire::CreateRequest{std::move(full_path), std::move(data), std::move(acl), mode},
      wire::IsContainer(mode) ? OpCode::kCreateContainer : OpCode::kCreate2);
}

std::string EncodeRequest(const wire::MultiOp& op) {
  return std::visit([](const auto& req) { return Enc(req); }, op.request);
}

// One Op as a multi/multiRead record. `full_path` is the server path.
wire::MultiOp MultiOpRecord(Op o, std::string full_path) {
  switch (o.kind) {
    case Op::Kind::kCreate:
      return CreateRecord(std::move(full_path), std::move(o.data), std::move(o.acl), o.mode,
                          o.ttl_ms);
    case Op::Kind::kDelete:
      return wire::MultiOp::Delete({std::move(full_path), o.version});
    case Op::Kind::kSetData:
      return wire::MultiOp::SetData({std::move(full_path), std::move(o.data), o.version});
    case Op::Kind::kCheck:
      return wire::MultiOp::Check({std::move(full_path), o.version});
    case Op::Kind::kGetData:
      return wire::MultiOp::GetData({std::move(full_path), false});
    case Op::Kind::kGetChildren:
      return wire::MultiOp::GetChildren({std::move(full_path), false});
  }
  return wire::MultiOp::Check({std::move(full_path), o.version});
}

// A multi/multiRead reply: the reply's own error (never a failed op: that
// comes as ErrorResults with ReplyHeader.err 0) or the decoded results.
Result<wire::MultiResponse> DecodeMultiReply(Error e, std::string_view body) {
  if (e != Error::kOk) return Status(e, "");
  Reader r(body);
  wire::MultiResponse resp;
  if (!wire::Decode(r, &resp)) return DecodeError(r);
  return resp;
}

std::vector<OpResult> ToOpResults(wire::MultiResponse resp, const std::string& chroot) {
  std::vector<OpResult> out;
  out.reserve(resp.results.size());
  for (auto& result : resp.results) {
    OpResult res;
    std::visit(
        [&](auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, wire::CreateResponse>) {
            res.path = wire::StripChroot(chroot, std::move(body.path));
          } else if constexpr (std::is_same_v<T, wire::Create2Response>) {
            res.path = wire::StripChroot(chroot, std::move(body.path));
            res.stat = body.stat;
          } else if constexpr (std::is_same_v<T, wire::SetDataResponse>) {
            res.stat = body.stat;
          } else if constexpr (std::is_same_v<T, wire::GetDataResponse>) {
            res.data = std::move(body.data);
            res.stat = body.stat;
          } else if constexpr (std::is_same_v<T, wire::GetChildrenResponse>) {
            res.children = std::move(body.children);
          } else if constexpr (std::is_same_v<T, wire::ErrorResult>) {
            res.err = body.err;
          }
        },
        result);
    out.push_back(std::move(res));
  }
  return out;
}


// The reply of getData on /zookeeper/config, and of reconfig.
ConfigResult ConfigFromReply(wire::GetDataResponse reply) {
  ConfigResult c;
  c.text = std::move(reply.data).value_or("");
  c.stat = reply.stat;
  // The client addresses as `config -c` lists them (wire/client_config.h):
  // servers without a client address are left out. A config without a
  // version key (a standalone-style config) gets the znode's mzxid, and one
  // without any client address an empty list; the raw text is always kept.
  std::string line = wire::ClientConfigString(c.text);
  if (!line.empty() && line.front() == ' ') line = "0" + line;
  auto parsed = wire::ParseClientConfig(line);
  if (parsed.ok()) {
    c.version = parsed->version;
    c.client_addresses = std::move(parsed->hosts);
  }
  if (c.version == 0) c.version = c.stat.mzxid;
  c.connect_addresses = client_internal::ConnectAddresses(c.text);
  return c;
}

// Connect strings go through wire's parser (Java's ConnectStringParser rules:
// a server without a port gets 2181, IPv6 literals in brackets, chroot
// validated); the client is stricter in one way, documented in client.h:
// empty elements ("a:1,,b:2") are refused instead of skipped.
Result<wire::ConnectString> ParseClientConnectString(std::string_view text) {
  std::string_view hosts = text.substr(0, text.find('/'));
  size_t start = 0;
  for (int n = 1;; ++n) {
    size_t comma = hosts.find(',', start);
    std::string_view el = hosts.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                            : comma - start);
    // ASCII blanks only: std::isspace would follow the application's locale.
    constexpr std::string_view kBlank = " \t\r\n\v\f";
    while (!el.empty() && kBlank.find(el.front()) != std::string_view::npos) el.remove_prefix(1);
    while (!el.empty() && kBlank.find(el.back()) != std::string_view::npos) el.remove_suffix(1);
    if (el.empty()) {
      if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return Status(Error::kBadArguments, "empty connect string");
      }
      return Status(Error::kBadArguments,
                    fmt::format("connect string \"{}\": server {} is empty", text, n));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  auto parsed = wire::ParseConnectString(text);
  if (!parsed.ok()) {
    return Status(Error::kBadArguments,
                  fmt::format("connect string \"{}\": {}", text, parsed.status().message()));
  }
  return parsed;
}

std::string Join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(sep);
    out += v[i];
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------ Op
// Designated initializers in Op's member order; the rest keep their defaults.
Op Op::Create(std::string path, std::optional<std::string> data, std::vector<Acl> acl,
              CreateMode mode, int64_t ttl_ms) {
  return Op{.kind = Kind::kCreate, .path = std::move(path), .data = std::move(data),
            .acl = std::move(acl), .mode = mode, .ttl_ms = ttl_ms};
}
Op Op::Delete(std::string path, int32_t version) {
  return Op{.kind = Kind::kDelete, .path = std::move(path), .version = version};
}
Op Op::SetData(std::string path, std::optional<std::string> data, int32_t version) {
  return Op{.kind = Kind::kSetData, .path = std::move(path), .data = std::move(data),
            .version = version};
}
Op Op::Check(std::string path, int32_t version) {
  return Op{.kind = Kind::kCheck, .path = std::move(path), .version = version};
}
Op Op::GetData(std::string path) { return Op{.kind = Kind::kGetData, .path = std::move(path)}; }
Op Op::GetChildren(std::string path) {
  return Op{.kind = Kind::kGetChildren, .path = std::move(path)};
}

// ------------------------------------------------------------------ Client
Result<std::shared_ptr<Client>> Client::Create(uv_loop_t* loop, ClientOptions options) {
  auto parsed = ParseClientConnectString(options.connect_string);
  if (!parsed.ok()) return parsed.status();
  if (options.session_timeout.count() <= 0) {
    return Status(Error::kBadArguments, "session_timeout must be positive");
  }
  if (!options.plan_path.empty() && !CheckPath(options.plan_path).ok()) {
    return Status(Error::kBadArguments, "plan_path is not a valid path");
  }
  if (options.session_id != 0 && options.session_password.empty()) {
    return Status(Error::kBadArguments, "session_id needs its session_password to reattach");
  }
  if (options.session_id == 0 && !options.session_password.empty()) {
    return Status(Error::kBadArguments, "session_password given without a session_id");
  }
  if (options.max_frame_bytes < 1024 || options.max_frame_bytes > 0x7fffffff) {
    return Status(Error::kBadArguments,
                  fmt::format("max_frame_bytes {} is out of range [1024, 2147483647]",
                              options.max_frame_bytes));
  }
  auto log = options.logger ? options.logger : Logger::Stderr();
  uint64_t seed = options.random_seed;
  if (seed == 0) {
    seed = (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
    log->Log(LogLevel::kDebug, "client random seed {}", seed);
  }
  client_internal::SessionConfig cfg;
  cfg.session_timeout = options.session_timeout;
  cfg.can_be_read_only = options.can_be_read_only;
  cfg.local_expiry = options.local_expiry;
  cfg.chroot = parsed->chroot;
  cfg.max_queued_requests = options.max_queued_requests;
  cfg.max_queued_bytes = options.max_queued_bytes;
  cfg.max_in_flight_requests = options.max_in_flight_requests;
  cfg.max_in_flight_bytes = options.max_in_flight_bytes;
  cfg.max_frame_bytes = options.max_frame_bytes;
  cfg.request_timeout = std::max(std::chrono::milliseconds(0), options.request_timeout);
  cfg.session_id = options.session_id;
  cfg.session_password = options.session_password;
  if (cfg.session_id != 0) {
    log->Log(LogLevel::kInfo, "reattaching session 0x{:x}", static_cast<uint64_t>(cfg.session_id));
  }
  if (Status v = ValidateSaslOptions(options.sasl); !v.ok()) return v;
  if (options.sasl.enabled()) {
    auto mech = client_internal::NewCyrusSaslMechanism(options.sasl);
    if (!mech.ok()) return mech.status();
    cfg.sasl = std::move(mech).value();
  }
  auto hosts = HostProvider::Create(parsed->hosts, options.host_provider, seed);
  if (!hosts.ok()) return hosts.status();
  std::shared_ptr<const client_internal::TlsContext> tls;
  if (options.tls.enabled) {
    auto ctx = client_internal::TlsContext::ForClient(options.tls);
    if (!ctx.ok()) return ctx.status();
    tls = std::move(ctx).value();
  }

  std::shared_ptr<Client> c(new Client());
  c->log_ = log;
  c->chroot_ = parsed->chroot;
  c->user_session_watcher_ = std::move(options.session_watcher);
  c->impl_ =
      std::make_shared<ClientImpl>(loop, cfg, std::move(hosts).value(), log,
                                   std::move(options.resolver), seed ^ 0x5bd1e9955bd1e995ULL);
  if (tls) {
    c->tls_subject_ = tls->own_subject();
    c->impl_->SetTls(std::move(tls));
  }
  c->tracker_ = std::make_unique<client_internal::Tracker>(c.get(), options, seed ^ 0x9e3779b97f4a7c15ULL);
  // The Client keeps itself alive until its session ended (uvw's rule), so
  // callbacks never outlive it even if the user drops every reference.
  c->impl_->core().SetSessionWatcher([c](SessionState s) mutable {
    if (c->tracker_) c->tracker_->OnState(s);
    if (c->user_session_watcher_) c->user_session_watcher_(s);
    if (s == SessionState::kExpired || s == SessionState::kAuthFailed ||
        s == SessionState::kClosed) {
      if (c->tracker_) c->tracker_->Stop();
      auto waiters = std::move(c->close_waiters_);
      for (auto& w : waiters) w();
      c->impl_->core().SetSessionWatcher(nullptr);  // drops the self reference
    }
  });
  c->impl_->Start(c->impl_);
  return c;
}

Client::~Client() = default;

std::string Client::Full(const std::string& path) const {
  if (chroot_.empty()) return path;
  return path == "/" ? chroot_ : chroot_ + path;
}

std::string Client::Strip(std::string p) const {
  return wire::StripChroot(chroot_, std::move(p));
}

namespace {
// Hands (opcode, encoded body) to the session; `done` gets the reply's
// error and body. With a watcher, it is registered as `watch_on` on
// `watch_path` when the reply allows.
Status Submit(client_internal::ClientImpl& impl, int32_t op, std::string body,
              std::function<void(Error, std::string_view)> done, int watch_on = 0,
              std::string watch_path = {}, Watcher watcher = {}) {
  Request r;
  r.op = op;
  r.body = std::move(body);
  r.done = [done = std::move(done)](const Reply& rep) { done(rep.err, rep.body); };
  if (watcher) {
    r.watch_on = static_cast<WatchOn>(watch_on);
    r.watch_path = std::move(watch_path);
    r.watcher = std::move(watcher);
  }
  // The loop's cached time may be as old as this loop iteration; a request
  // timeout counts from now.
  uv_update_time(impl.loop());
  Status s = impl.core().Submit(std::move(r), impl.Now());
  if (s.ok()) impl.AfterUserCall();
  return s;
}
}  // namespace

uv_loop_t* Client::loop() const { return impl_->loop(); }

void Client::ApplyPlan(const RebalancePlan& plan) {
  impl_->core().ApplyPlan(plan, impl_->Now());
  impl_->AfterUserCall();
}

Status Client::CreateNode(const std::string& path, std::optional<std::string> data,
                          std::vector<Acl> acl, CreateMode mode, Callback<CreateResult> cb,
                          int64_t ttl_ms) {
  if (auto s = CheckPath(path, wire::IsSequential(mode)); !s.ok()) return s;
  if (!wire::IsValidCreateMode(mode)) return Status(Error::kBadArguments, "invalid create mode");
  if (wire::IsTtl(mode) && (ttl_ms <= 0 || ttl_ms > wire::kMaxTtlMs)) {
    return Status(Error::kBadArguments, "a TTL mode needs 0 < ttl_ms <= kMaxTtlMs");
  }
  wire::MultiOp req = CreateRecord(Full(path), std::move(data), std::move(acl), mode, ttl_ms);
  return Submit(*impl_, Code(req.type), EncodeRequest(req),
                Expect<wire::Create2Response>(std::move(cb), [this](wire::Create2Response r) {
                  return CreateResult{Strip(std::move(r.path)), r.stat};
                }));
}

Status Client::Delete(const std::string& path, int32_t version, StatusCallback cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(*impl_, Code(OpCode::kDelete), Enc(wire::DeleteRequest{Full(path), version}),
                ExpectNothing(std::move(cb)));
}

Status Client::Exists(const std::string& path, Watcher watcher, Callback<Stat> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  const bool watch = static_cast<bool>(watcher);  // before the move below
  return Submit(*impl_, Code(OpCode::kExists),
                Enc(wire::ExistsRequest{Full(path), watch}),
                Expect<wire::ExistsResponse>(std::move(cb),
                                             [](wire::ExistsResponse r) { return r.stat; }),
                static_cast<int>(WatchOn::kExists), path, std::move(watcher));
}

Status Client::GetData(const std::string& path, Watcher watcher, Callback<DataResult> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  std::string server_path = path == kConfigPath ? path : Full(path);
  const bool watch = static_cast<bool>(watcher);  // before the move below
  return Submit(*impl_, Code(OpCode::kGetData),
                Enc(wire::GetDataRequest{server_path, watch}),
                Expect<wire::GetDataResponse>(std::move(cb),
                                              [](wire::GetDataResponse r) {
                                                return DataResult{std::move(r.data), r.stat};
                                              }),
                static_cast<int>(WatchOn::kOkData), path, std::move(watcher));
}

Status Client::SetData(const std::string& path, std::optional<std::string> data, int32_t version,
                       Callback<Stat> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(*impl_, Code(OpCode::kSetData),
                Enc(wire::SetDataRequest{Full(path), std::move(data), version}),
                Expect<wire::SetDataResponse>(std::move(cb),
                                              [](wire::SetDataResponse r) { return r.stat; }));
}

Status Client::GetChildren(const std::string& path, Watcher watcher, Callback<ChildrenResult> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  const bool watch = static_cast<bool>(watcher);  // before the move below
  return Submit(*impl_, Code(OpCode::kGetChildren2),
                Enc(wire::GetChildren2Request{Full(path), watch}),
                Expect<wire::GetChildren2Response>(
                    std::move(cb),
                    [](wire::GetChildren2Response r) {
                      return ChildrenResult{std::move(r.children), r.stat};
                    }),
                static_cast<int>(WatchOn::kOkChild), path, std::move(watcher));
}

Status Client::GetAcl(const std::string& path, Callback<AclResult> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(*impl_, Code(OpCode::kGetAcl), Enc(wire::GetAclRequest{Full(path)}),
                Expect<wire::GetAclResponse>(std::move(cb), [](wire::GetAclResponse r) {
                  return AclResult{std::move(r.acl), r.stat};
                }));
}

Status Client::SetAcl(const std::string& path, std::vector<Acl> acl, int32_t version,
                      Callback<Stat> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(*impl_, Code(OpCode::kSetAcl),
                Enc(wire::SetAclRequest{Full(path), std::move(acl), version}),
                Expect<wire::SetAclResponse>(std::move(cb),
                                             [](wire::SetAclResponse r) { return r.stat; }));
}

Status Client::Sync(const std::string& path, StatusCallback cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  std::string server_path = path == kConfigPath ? path : Full(path);
  return Submit(*impl_, Code(OpCode::kSync), Enc(wire::SyncRequest{server_path}),
                ExpectNothing(std::move(cb)));
}

Status Client::Multi(std::vector<Op> ops, MultiCallback cb) {
  wire::MultiRequest req;
  for (auto& o : ops) {
    if (o.kind == Op::Kind::kGetData || o.kind == Op::Kind::kGetChildren) {
      return Status(Error::kBadArguments, "read ops belong in MultiRead");
    }
    bool sequential = o.kind == Op::Kind::kCreate && wire::IsSequential(o.mode);
    if (auto s = CheckPath(o.path, sequential); !s.ok()) return s;
    std::string full = Full(o.path);
    req.ops.push_back(MultiOpRecord(std::move(o), std::move(full)));
  }
  return Submit(*impl_, Code(OpCode::kMulti), Enc(req),
                [this, cb = std::move(cb)](Error e, std::string_view body) {
                  MultiResult out;
                  auto decoded = DecodeMultiReply(e, body);
                  if (!decoded.ok()) {
                    out.status = decoded.status();
                    return cb(std::move(out));
                  }
                  out.results = ToOpResults(std::move(decoded).value(), chroot_);
                  for (size_t i = 0; i < out.results.size(); ++i) {
                    if (out.results[i].err != Error::kOk) {
                      out.failed_op = i;
                      out.status = Status(out.results[i].err, fmt::format("multi op {} failed", i));
                      break;
                    }
                  }
                  cb(std::move(out));
                });
}

Status Client::MultiRead(std::vector<Op> ops, Callback<std::vector<OpResult>> cb) {
  wire::MultiRequest req;
  for (auto& o : ops) {
    if (o.kind != Op::Kind::kGetData && o.kind != Op::Kind::kGetChildren) {
      return Status(Error::kBadArguments, "MultiRead takes only GetData and GetChildren");
    }
    if (auto s = CheckPath(o.path); !s.ok()) return s;
    std::string full = Full(o.path);
    req.ops.push_back(MultiOpRecord(std::move(o), std::move(full)));
  }
  return Submit(*impl_, Code(OpCode::kMultiRead), Enc(req),
                [this, cb = std::move(cb)](Error e, std::string_view body) {
                  auto decoded = DecodeMultiReply(e, body);
                  if (!decoded.ok()) return cb(decoded.status());
                  cb(ToOpResults(std::move(decoded).value(), chroot_));
                });
}

Status Client::GetEphemerals(const std::string& prefix, Callback<std::vector<std::string>> cb) {
  std::string p = prefix.empty() || prefix == "/" ? (chroot_.empty() ? "/" : chroot_) : Full(prefix);
  return Submit(*impl_, Code(OpCode::kGetEphemerals), Enc(wire::GetEphemeralsRequest{p}),
                Expect<wire::GetEphemeralsResponse>(std::move(cb),
                                                    [this](wire::GetEphemeralsResponse r) {
                                                      for (auto& s : r.ephemerals) {
                                                        s = Strip(std::move(s));
                                                      }
                                                      return std::move(r.ephemerals);
                                                    }));
}

Status Client::GetAllChildrenNumber(const std::string& path, Callback<int32_t> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(*impl_, Code(OpCode::kGetAllChildrenNumber),
                Enc(wire::GetAllChildrenNumberRequest{Full(path)}),
                Expect<wire::GetAllChildrenNumberResponse>(
                    std::move(cb),
                    [](wire::GetAllChildrenNumberResponse r) { return r.total_number; }));
}

Status Client::WhoAmI(Callback<std::vector<ClientInfo>> cb) {
  return Submit(*impl_, Code(OpCode::kWhoAmI), {},
                Expect<wire::WhoAmIResponse>(std::move(cb), [](wire::WhoAmIResponse r) {
                  return std::move(r.client_info);
                }));
}

Status Client::AddAuth(const std::string& scheme, std::string auth, StatusCallback cb) {
  if (scheme.empty()) return Status(Error::kBadArguments, "empty auth scheme");
  Status s = impl_->core().AddAuth(scheme, std::move(auth),
                                   [cb = std::move(cb)](const Status& st) { if (cb) cb(st); });
  if (s.ok()) impl_->AfterUserCall();
  return s;
}

Status Client::AddWatch(const std::string& path, AddWatchMode mode, Watcher watcher,
                        StatusCallback cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  if (!watcher) return Status(Error::kBadArguments, "AddWatch needs a watcher");
  return Submit(*impl_, Code(OpCode::kAddWatch), Enc(wire::AddWatchRequest{Full(path), mode}),
                ExpectNothing(std::move(cb)),
                static_cast<int>(mode == AddWatchMode::kPersistent ? WatchOn::kOkPersistent
                                                                   : WatchOn::kOkRecursive),
                path, std::move(watcher));
}

Status Client::RemoveWatches(const std::string& path, WatcherKind kind, StatusCallback cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  // Persistent kinds (4, 5) exist on the wire since 3.9; a 3.8 server answers
  // them with ZMARSHALLINGERROR and cannot remove a persistent watch at all
  // (ZOOKEEPER-4472). Then the watch is removed locally only: its events are
  // dropped, and it is not re-registered after the next reconnect.
  bool persistent = kind == WatcherKind::kPersistent || kind == WatcherKind::kPersistentRecursive;
  return Submit(*impl_, Code(OpCode::kRemoveWatches), Enc(wire::RemoveWatchesRequest{Full(path), kind}),
                [this, path, kind, persistent, cb = std::move(cb)](Error e, std::string_view) {
                  if (persistent && (e == Error::kMarshallingError || e == Error::kNoWatcher)) {
                    e = Error::kNoWatcher;
                  }
                  if (e == Error::kOk || (persistent && e == Error::kNoWatcher)) {
                    auto removed = impl_->core().RemoveLocalWatches(kind, path);
                    if (!removed.empty()) e = Error::kOk;
                    EventType t = kind == WatcherKind::kChildren ? EventType::kChildWatchRemoved
                                  : kind == WatcherKind::kData   ? EventType::kDataWatchRemoved
                                                                 : EventType::kPersistentWatchRemoved;
                    for (auto& w : removed) w(WatchEvent{t, impl_->core().state(), path});
                  }
                  cb(Status(e, ""));
                });
}

Status Client::GetConfig(Watcher watcher, Callback<ConfigResult> cb) {
  const bool watch = static_cast<bool>(watcher);  // before the move below
  return Submit(*impl_, Code(OpCode::kGetData),
                Enc(wire::GetDataRequest{kConfigPath, watch}),
                Expect<wire::GetDataResponse>(std::move(cb), ConfigFromReply),
                static_cast<int>(WatchOn::kOkData), kConfigPath, std::move(watcher));
}

Status Client::Reconfig(ReconfigSpec spec, Callback<ConfigResult> cb) {
  wire::ReconfigRequest req;
  if (!spec.new_members.empty()) {
    if (!spec.joining.empty() || !spec.leaving.empty()) {
      return Status(Error::kBadArguments, "reconfig: bulk members exclude joining/leaving");
    }
    req.new_members = Join(spec.new_members, ',');
  } else {
    if (spec.joining.empty() && spec.leaving.empty()) {
      return Status(Error::kBadArguments, "reconfig: nothing to change");
    }
    if (!spec.joining.empty()) req.joining_servers = Join(spec.joining, ',');
    if (!spec.leaving.empty()) req.leaving_servers = Join(spec.leaving, ',');
  }
  req.cur_config_id = spec.from_config;
  return Submit(*impl_, Code(OpCode::kReconfig), Enc(req),
                Expect<wire::GetDataResponse>(std::move(cb), ConfigFromReply, "reconfig"));
}

Status Client::UpdateServerList(const std::string& connect_string) {
  auto parsed = ParseClientConnectString(connect_string);
  if (!parsed.ok()) return parsed.status();
  if (parsed->chroot != chroot_) {
    return Status(Error::kBadArguments, "UpdateServerList cannot change the chroot");
  }
  auto& core = impl_->core();
  if (core.terminal()) return Status(Error::kClosing, "session ended");
  core.UpdateServerList(parsed->hosts, impl_->Now());
  impl_->AfterUserCall();
  return Status();
}

void Client::SetServerLoads(const std::vector<ServerLoad>& loads) {
  impl_->core().SetServerLoads(loads);
}

void Client::Close(std::function<void()> done) {
  auto& core = impl_->core();
  if (core.terminal()) {
    // The session's timer may be closed already: Post does not need it.
    if (done) impl_->Post(std::move(done));
    return;
  }
  if (done) close_waiters_.push_back(std::move(done));
  if (tracker_) tracker_->Stop();
  core.Close(impl_->Now());
  impl_->AfterUserCall();
}

SessionState Client::state() const { return impl_->core().state(); }
int64_t Client::session_id() const { return impl_->core().session_id(); }
std::string Client::session_password() const { return impl_->core().password(); }
std::optional<HostPort> Client::current_server() const { return impl_->core().current_host(); }
std::chrono::milliseconds Client::negotiated_timeout() const {
  return impl_->core().negotiated_timeout();
}
int64_t Client::last_zxid() const { return impl_->core().last_zxid(); }
int64_t Client::tracked_config_version() const { return tracker_ ? tracker_->version() : 0; }
std::vector<HostPort> Client::servers() const { return impl_->core().servers(); }
uint64_t Client::connect_count() const { return impl_->core().connects(); }

}  // namespace zk
