// zk::Client: operations are encoded here (records from zk/wire) and handed
// to the session core as (opcode, body); replies are decoded here.
#include "zk/client/client.h"

#include <cctype>
#include <random>

#include "client_impl.h"
#include "tracker.h"
#include "zk/wire/client_config.h"
#include "zk/wire/connect_string.h"
#include "zk/wire/jute.h"
#include "zk/wire/records.h"
#include "zk/wire/requests.h"

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

// Client-side path check (Java PathUtils.validatePath, the common cases).
Status CheckPath(const std::string& path, bool sequential = false) {
  if (path.empty() || path[0] != '/') {
    return Status(Error::kBadArguments, fmt::format("path \"{}\" must start with /", path));
  }
  if (path.size() > 1 && path.back() == '/' && !sequential) {
    return Status(Error::kBadArguments, fmt::format("path \"{}\" must not end with /", path));
  }
  if (path.find("//") != std::string::npos) {
    return Status(Error::kBadArguments, fmt::format("path \"{}\" has an empty segment", path));
  }
  if (path.find('\0') != std::string::npos) {
    return Status(Error::kBadArguments, "path contains a null character");
  }
  return Status();
}

template <typename T>
std::string Enc(const T& rec) {
  return wire::EncodeRecord(rec);
}

Status DecodeError(const Reader& r) { return r.ok() ? Status(Error::kMarshallingError, "short reply") : r.status(); }

Result<ConfigResult> DecodeConfig(std::string_view body) {
  Reader r(body);
  ConfigResult c;
  r.Buffer(&c.text);
  wire::Decode(r, &c.stat);
  if (!r.ok()) return r.status();
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
  return c;
}

// Connect strings go through wire's parser (Java's ConnectStringParser rules,
// IPv6 literals, chroot validation); the client is stricter in two ways,
// documented in client.h: every element must name its port, and empty
// elements ("a:1,,b:2") are refused instead of skipped.
Result<wire::ConnectString> ParseClientConnectString(std::string_view text) {
  std::string_view hosts = text.substr(0, text.find('/'));
  size_t start = 0;
  for (int n = 1;; ++n) {
    size_t comma = hosts.find(',', start);
    std::string_view el = hosts.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                            : comma - start);
    while (!el.empty() && std::isspace(static_cast<unsigned char>(el.front()))) el.remove_prefix(1);
    while (!el.empty() && std::isspace(static_cast<unsigned char>(el.back()))) el.remove_suffix(1);
    if (el.empty()) {
      if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return Status(Error::kBadArguments, "empty connect string");
      }
      return Status(Error::kBadArguments,
                    fmt::format("connect string \"{}\": server {} is empty", text, n));
    }
    size_t colon = el.rfind(':');
    size_t close = el.rfind(']');
    bool has_port = colon != std::string_view::npos && colon + 1 < el.size() &&
                    (close == std::string_view::npos || colon > close);
    if (!has_port) {
      return Status(Error::kBadArguments,
                    fmt::format("connect string \"{}\": server {} (\"{}\") has no port", text, n,
                                el));
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
Op Op::Create(std::string path, std::string data, std::vector<Acl> acl, CreateMode mode,
              int64_t ttl_ms) {
  Op o;
  o.kind = Kind::kCreate;
  o.path = std::move(path);
  o.data = std::move(data);
  o.acl = std::move(acl);
  o.mode = mode;
  o.ttl_ms = ttl_ms;
  return o;
}
Op Op::Delete(std::string path, int32_t version) {
  Op o;
  o.kind = Kind::kDelete;
  o.path = std::move(path);
  o.version = version;
  return o;
}
Op Op::SetData(std::string path, std::string data, int32_t version) {
  Op o;
  o.kind = Kind::kSetData;
  o.path = std::move(path);
  o.data = std::move(data);
  o.version = version;
  return o;
}
Op Op::Check(std::string path, int32_t version) {
  Op o;
  o.kind = Kind::kCheck;
  o.path = std::move(path);
  o.version = version;
  return o;
}
Op Op::GetData(std::string path) {
  Op o;
  o.kind = Kind::kGetData;
  o.path = std::move(path);
  return o;
}
Op Op::GetChildren(std::string path) {
  Op o;
  o.kind = Kind::kGetChildren;
  o.path = std::move(path);
  return o;
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
  auto hosts = HostProvider::Create(parsed->hosts, options.host_provider, seed);
  if (!hosts.ok()) return hosts.status();

  std::shared_ptr<Client> c(new Client());
  c->log_ = log;
  c->chroot_ = parsed->chroot;
  c->user_session_watcher_ = std::move(options.session_watcher);
  c->impl_ = std::make_shared<ClientImpl>(loop, cfg, std::move(hosts).value(), log);
  c->tracker_ = std::make_unique<Tracker>(c.get(), options, seed ^ 0x9e3779b97f4a7c15ULL);
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
  if (chroot_.empty()) return p;
  if (p == chroot_) return "/";
  if (p.size() > chroot_.size() && p.compare(0, chroot_.size(), chroot_) == 0 &&
      p[chroot_.size()] == '/') {
    return p.substr(chroot_.size());
  }
  return p;
}

Status Client::Submit(int32_t op, std::string body,
                      std::function<void(Error, std::string_view)> done, int watch_on,
                      std::string watch_path, Watcher watcher) {
  Request r;
  r.op = op;
  r.body = std::move(body);
  r.done = [done = std::move(done)](const Reply& rep) { done(rep.err, rep.body); };
  r.watch_on = static_cast<WatchOn>(watch_on);
  r.watch_path = std::move(watch_path);
  r.watcher = std::move(watcher);
  Status s = impl_->core().Submit(std::move(r));
  if (s.ok()) impl_->AfterUserCall();
  return s;
}

Status Client::CreateNode(const std::string& path, std::string data, std::vector<Acl> acl,
                          CreateMode mode, Callback<CreateResult> cb, int64_t ttl_ms) {
  if (auto s = CheckPath(path, wire::IsSequential(mode)); !s.ok()) return s;
  if (!wire::IsValidCreateMode(mode)) return Status(Error::kBadArguments, "invalid create mode");
  if (acl.empty()) acl = wire::OpenAclUnsafe();
  int32_t op;
  std::string body;
  if (wire::IsTtl(mode)) {
    if (ttl_ms <= 0 || ttl_ms > wire::kMaxTtlMs) {
      return Status(Error::kBadArguments, "a TTL mode needs 0 < ttl_ms <= kMaxTtlMs");
    }
    op = Code(OpCode::kCreateTtl);
    body = Enc(wire::CreateTtlRequest{Full(path), std::move(data), std::move(acl), mode, ttl_ms});
  } else {
    op = Code(wire::IsContainer(mode) ? OpCode::kCreateContainer : OpCode::kCreate2);
    body = Enc(wire::CreateRequest{Full(path), std::move(data), std::move(acl), mode});
  }
  return Submit(op, std::move(body), [this, cb = std::move(cb)](Error e, std::string_view b) {
    if (e != Error::kOk) return cb(Status(e, ""));
    Reader r(b);
    CreateResult res;
    r.String(&res.path);
    wire::Decode(r, &res.stat);
    if (!r.ok()) return cb(DecodeError(r));
    res.path = Strip(std::move(res.path));
    cb(std::move(res));
  });
}

Status Client::Delete(const std::string& path, int32_t version, StatusCallback cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(Code(OpCode::kDelete), Enc(wire::DeleteRequest{Full(path), version}),
                [cb = std::move(cb)](Error e, std::string_view) { cb(Status(e, "")); });
}

Status Client::Exists(const std::string& path, Watcher watcher, Callback<Stat> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  bool w = static_cast<bool>(watcher);
  return Submit(
      Code(OpCode::kExists), Enc(wire::ExistsRequest{Full(path), w}),
      [cb = std::move(cb)](Error e, std::string_view b) {
        if (e != Error::kOk) return cb(Status(e, ""));
        Reader r(b);
        Stat st;
        if (!wire::Decode(r, &st)) return cb(DecodeError(r));
        cb(st);
      },
      w ? static_cast<int>(WatchOn::kExists) : 0, path, std::move(watcher));
}

Status Client::GetData(const std::string& path, Watcher watcher, Callback<DataResult> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  bool w = static_cast<bool>(watcher);
  bool is_config = path == kConfigPath;
  return Submit(
      Code(OpCode::kGetData), Enc(wire::GetDataRequest{is_config ? path : Full(path), w}),
      [cb = std::move(cb)](Error e, std::string_view b) {
        if (e != Error::kOk) return cb(Status(e, ""));
        Reader r(b);
        DataResult d;
        r.Buffer(&d.data);
        wire::Decode(r, &d.stat);
        if (!r.ok()) return cb(DecodeError(r));
        cb(std::move(d));
      },
      w ? static_cast<int>(WatchOn::kOkData) : 0, path, std::move(watcher));
}

Status Client::SetData(const std::string& path, std::string data, int32_t version,
                       Callback<Stat> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(Code(OpCode::kSetData), Enc(wire::SetDataRequest{Full(path), std::move(data), version}),
                [cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  Reader r(b);
                  Stat st;
                  if (!wire::Decode(r, &st)) return cb(DecodeError(r));
                  cb(st);
                });
}

Status Client::GetChildren(const std::string& path, Watcher watcher, Callback<ChildrenResult> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  bool w = static_cast<bool>(watcher);
  return Submit(
      Code(OpCode::kGetChildren2), Enc(wire::GetChildren2Request{Full(path), w}),
      [cb = std::move(cb)](Error e, std::string_view b) {
        if (e != Error::kOk) return cb(Status(e, ""));
        Reader r(b);
        ChildrenResult c;
        r.StringVector(&c.children);
        wire::Decode(r, &c.stat);
        if (!r.ok()) return cb(DecodeError(r));
        cb(std::move(c));
      },
      w ? static_cast<int>(WatchOn::kOkChild) : 0, path, std::move(watcher));
}

Status Client::GetAcl(const std::string& path, Callback<AclResult> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(Code(OpCode::kGetAcl), Enc(wire::GetAclRequest{Full(path)}),
                [cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  Reader r(b);
                  AclResult a;
                  wire::DecodeAcls(r, &a.acl);
                  wire::Decode(r, &a.stat);
                  if (!r.ok()) return cb(DecodeError(r));
                  cb(std::move(a));
                });
}

Status Client::SetAcl(const std::string& path, std::vector<Acl> acl, int32_t version,
                      Callback<Stat> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(Code(OpCode::kSetAcl), Enc(wire::SetAclRequest{Full(path), std::move(acl), version}),
                [cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  Reader r(b);
                  Stat st;
                  if (!wire::Decode(r, &st)) return cb(DecodeError(r));
                  cb(st);
                });
}

Status Client::Sync(const std::string& path, StatusCallback cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  bool is_config = path == kConfigPath;
  return Submit(Code(OpCode::kSync), Enc(wire::SyncRequest{is_config ? path : Full(path)}),
                [cb = std::move(cb)](Error e, std::string_view) { cb(Status(e, "")); });
}

namespace {

void EncodeMultiOp(wire::Writer& w, const zk::Op& o, const std::string& full, bool* ok) {
  auto header = [&](OpCode t) { wire::Encode(w, wire::MultiHeader{t, false, -1}); };
  switch (o.kind) {
    case Op::Kind::kCreate: {
      std::vector<Acl> acl = o.acl.empty() ? wire::OpenAclUnsafe() : o.acl;
      if (wire::IsTtl(o.mode)) {
        header(OpCode::kCreateTtl);
        wire::Encode(w, wire::CreateTtlRequest{full, o.data, acl, o.mode, o.ttl_ms});
      } else {
        header(wire::IsContainer(o.mode) ? OpCode::kCreateContainer : OpCode::kCreate2);
        wire::Encode(w, wire::CreateRequest{full, o.data, acl, o.mode});
      }
      break;
    }
    case Op::Kind::kDelete:
      header(OpCode::kDelete);
      wire::Encode(w, wire::DeleteRequest{full, o.version});
      break;
    case Op::Kind::kSetData:
      header(OpCode::kSetData);
      wire::Encode(w, wire::SetDataRequest{full, o.data, o.version});
      break;
    case Op::Kind::kCheck:
      header(OpCode::kCheck);
      wire::Encode(w, wire::CheckVersionRequest{full, o.version});
      break;
    case Op::Kind::kGetData:
      header(OpCode::kGetData);
      wire::Encode(w, wire::GetDataRequest{full, false});
      break;
    case Op::Kind::kGetChildren:
      header(OpCode::kGetChildren);
      wire::Encode(w, wire::GetChildrenRequest{full, false});
      break;
  }
  (void)ok;
}

}  // namespace


Status Client::Multi(std::vector<Op> ops, Callback<std::vector<OpResult>> cb) {
  for (const auto& o : ops) {
    if (o.kind == Op::Kind::kGetData || o.kind == Op::Kind::kGetChildren) {
      return Status(Error::kBadArguments, "read ops belong in MultiRead");
    }
  }
  std::string body;
  wire::Writer w(&body);
  for (const auto& o : ops) {
    if (auto s = CheckPath(o.path, o.kind == Op::Kind::kCreate && wire::IsSequential(o.mode));
        !s.ok()) {
      return s;
    }
    bool ok = true;
    EncodeMultiOp(w, o, Full(o.path), &ok);
  }
  wire::Encode(w, wire::MultiHeader{OpCode::kError, true, -1});
  return Submit(Code(OpCode::kMulti), std::move(body),
                [this, cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  std::vector<OpResult> out;
                  Reader r(b);
                  Error first = Error::kOk;
                  while (r.ok()) {
                    wire::MultiHeader h;
                    if (!wire::Decode(r, &h) || h.done) break;
                    OpResult res;
                    switch (static_cast<int32_t>(h.type)) {
                      case 1: r.String(&res.path); break;
                      case 15:
                        r.String(&res.path);
                        wire::Decode(r, &res.stat);
                        break;
                      case 5: wire::Decode(r, &res.stat); break;
                      case -1: {
                        int32_t code = 0;
                        r.Int(&code);
                        res.err = ErrorFromCode(code).value_or(Error::kSystemError);
                        if (first == Error::kOk && res.err != Error::kOk) first = res.err;
                        break;
                      }
                      default: break;
                    }
                    if (!res.path.empty()) res.path = Strip(std::move(res.path));
                    out.push_back(std::move(res));
                  }
                  if (!r.ok()) return cb(DecodeError(r));
                  if (first != Error::kOk) {
                    return cb(Status(first, fmt::format("multi op {} failed",
                                                        [&] {
                                                          for (size_t i = 0; i < out.size(); ++i)
                                                            if (out[i].err == first) return i;
                                                          return size_t{0};
                                                        }())));
                  }
                  cb(std::move(out));
                });
}

Status Client::MultiRead(std::vector<Op> ops, Callback<std::vector<OpResult>> cb) {
  std::string body;
  wire::Writer w(&body);
  for (const auto& o : ops) {
    if (o.kind != Op::Kind::kGetData && o.kind != Op::Kind::kGetChildren) {
      return Status(Error::kBadArguments, "MultiRead takes only GetData and GetChildren");
    }
    if (auto s = CheckPath(o.path); !s.ok()) return s;
    bool ok = true;
    EncodeMultiOp(w, o, Full(o.path), &ok);
  }
  wire::Encode(w, wire::MultiHeader{OpCode::kError, true, -1});
  return Submit(Code(OpCode::kMultiRead), std::move(body),
                [cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  std::vector<OpResult> out;
                  Reader r(b);
                  while (r.ok()) {
                    wire::MultiHeader h;
                    if (!wire::Decode(r, &h) || h.done) break;
                    OpResult res;
                    switch (static_cast<int32_t>(h.type)) {
                      case 4:
                        r.Buffer(&res.data);
                        wire::Decode(r, &res.stat);
                        break;
                      case 8: r.StringVector(&res.children); break;
                      case -1: {
                        int32_t code = 0;
                        r.Int(&code);
                        res.err = ErrorFromCode(code).value_or(Error::kSystemError);
                        break;
                      }
                      default: break;
                    }
                    out.push_back(std::move(res));
                  }
                  if (!r.ok()) return cb(DecodeError(r));
                  cb(std::move(out));
                });
}

Status Client::GetEphemerals(const std::string& prefix, Callback<std::vector<std::string>> cb) {
  std::string p = prefix.empty() || prefix == "/" ? (chroot_.empty() ? "/" : chroot_) : Full(prefix);
  return Submit(Code(OpCode::kGetEphemerals), Enc(wire::GetEphemeralsRequest{p}),
                [this, cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  Reader r(b);
                  std::vector<std::string> v;
                  if (!r.StringVector(&v)) return cb(DecodeError(r));
                  for (auto& s : v) s = Strip(std::move(s));
                  cb(std::move(v));
                });
}

Status Client::GetAllChildrenNumber(const std::string& path, Callback<int32_t> cb) {
  if (auto s = CheckPath(path); !s.ok()) return s;
  return Submit(Code(OpCode::kGetAllChildrenNumber), Enc(wire::GetAllChildrenNumberRequest{Full(path)}),
                [cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) return cb(Status(e, ""));
                  Reader r(b);
                  int32_t n = 0;
                  if (!r.Int(&n)) return cb(DecodeError(r));
                  cb(n);
                });
}

Status Client::WhoAmI(Callback<std::vector<ClientInfo>> cb) {
  return Submit(Code(OpCode::kWhoAmI), {}, [cb = std::move(cb)](Error e, std::string_view b) {
    if (e != Error::kOk) return cb(Status(e, ""));
    Reader r(b);
    std::vector<ClientInfo> v;
    if (!r.Vector(&v, 8, [](Reader& rr, ClientInfo* ci) { return wire::Decode(rr, ci); })) {
      return cb(DecodeError(r));
    }
    cb(std::move(v));
  });
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
  return Submit(Code(OpCode::kAddWatch), Enc(wire::AddWatchRequest{Full(path), mode}),
                [cb = std::move(cb)](Error e, std::string_view) { cb(Status(e, "")); },
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
  return Submit(Code(OpCode::kRemoveWatches), Enc(wire::RemoveWatchesRequest{Full(path), kind}),
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
  bool w = static_cast<bool>(watcher);
  return Submit(
      Code(OpCode::kGetData), Enc(wire::GetDataRequest{kConfigPath, w}),
      [cb = std::move(cb)](Error e, std::string_view b) {
        if (e != Error::kOk) return cb(Status(e, ""));
        cb(DecodeConfig(b));
      },
      w ? static_cast<int>(WatchOn::kOkData) : 0, kConfigPath, std::move(watcher));
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
  return Submit(Code(OpCode::kReconfig), Enc(req),
                [cb = std::move(cb)](Error e, std::string_view b) {
                  if (e != Error::kOk) {
                    return cb(Status(e, fmt::format("reconfig failed: {}", ErrorName(e))));
                  }
                  cb(DecodeConfig(b));
                });
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

void Client::Close(std::function<void()> done) {
  auto& core = impl_->core();
  if (core.terminal()) {
    if (done) {
      core.Defer(std::move(done));
      impl_->AfterUserCall();
    }
    return;
  }
  if (done) close_waiters_.push_back(std::move(done));
  if (tracker_) tracker_->Stop();
  core.Close(impl_->Now());
  impl_->AfterUserCall();
}

SessionState Client::state() const { return impl_->core().state(); }
int64_t Client::session_id() const { return impl_->core().session_id(); }
std::optional<HostPort> Client::current_server() const { return impl_->core().current_host(); }
std::chrono::milliseconds Client::negotiated_timeout() const {
  return impl_->core().negotiated_timeout();
}
int64_t Client::last_zxid() const { return impl_->core().last_zxid(); }
int64_t Client::tracked_config_version() const { return tracker_ ? tracker_->version() : 0; }
uint64_t Client::connect_count() const { return impl_->core().connects(); }

}  // namespace zk
