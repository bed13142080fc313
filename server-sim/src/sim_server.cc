#include "zk/sim/sim_server.h"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "container_reaper.h"
#include "four_letter.h"
#include "sim_server_impl.h"
#include "tcp_write.h"

namespace zk::sim {

LoopClock::LoopClock(uv_loop_t* loop) : loop_(loop) {
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  wall_offset_ = wall - static_cast<int64_t>(uv_now(loop));
}
int64_t LoopClock::NowMs() const { return static_cast<int64_t>(uv_now(loop_)); }
int64_t LoopClock::WallMs() const { return wall_offset_ + NowMs(); }

namespace {

void FreeTcp(uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); }

void OnConnClosed(uv_handle_t* h) { delete static_cast<UvConn*>(h->data); }

void Alloc(uv_handle_t*, size_t suggested, uv_buf_t* buf) {
  buf->base = new char[suggested];
  buf->len = suggested;
}

// A listener's data: a small heap context freed on close.
struct ListenerCtx {
  SimServerImpl* self;
  int64_t server;
  bool secure;
};

void CloseListener(uv_tcp_t* l) {
  uv_close(reinterpret_cast<uv_handle_t*>(l), [](uv_handle_t* h) {
    delete static_cast<ListenerCtx*>(h->data);
    delete reinterpret_cast<uv_tcp_t*>(h);
  });
}

}  // namespace

Status SimServerImpl::Listen(int64_t server, int port, uv_tcp_t** out, int* bound, bool secure) {
  auto* tcp = new uv_tcp_t;
  uv_tcp_init(loop, tcp);
  sockaddr_in addr{};
  uv_ip4_addr(opts.host.c_str(), port, &addr);
  int rc = uv_tcp_bind(tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) {
    tcp->data = new ListenerCtx{this, server, secure};
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(tcp), 1024, [](uv_stream_t* l, int status) {
      if (status < 0) return;
      auto* ctx = static_cast<ListenerCtx*>(l->data);
      ctx->self->OnAccept(ctx->server, l, ctx->secure);
    });
    if (rc != 0) delete static_cast<ListenerCtx*>(tcp->data);
  }
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp), FreeTcp);
    return Status(Error::kSystemError,
                  fmt::format("bind {}:{}: {}", opts.host, port, uv_strerror(rc)));
  }
  sockaddr_storage name{};
  int len = sizeof(name);
  uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&name), &len);
  *bound = ntohs(reinterpret_cast<sockaddr_in*>(&name)->sin_port);
  *out = tcp;
  return Status();
}

namespace {

// A committed reconfig that changes a hosted member's client port moves its
// listener there; one that drops its client address closes the listener,
// as ZooKeeper 3.8 does. Accepted connections stay. If the new port cannot be
// bound, the old listener stays and the failure is printed.
void RebindClientPorts(SimServerImpl& m) {
  const auto& before = m.ens->previous_members();
  for (const auto& [id, now] : m.ens->members()) {
    auto was = before.find(id);
    if (was == before.end() || was->second.client_port == now.client_port) continue;
    auto l = m.listeners.find(id);
    if (now.client_port == 0) {
      if (l != m.listeners.end()) {
        CloseListener(l->second);
        m.listeners.erase(l);
        m.ports.erase(id);
      }
      continue;
    }
    uv_tcp_t* fresh = nullptr;
    int bound = 0;
    Status st = m.Listen(id, now.client_port, &fresh, &bound);
    if (!st.ok()) {
      fmt::print(stderr, "zksim: server {} keeps its listener: {}\n", id, st.ToString());
      continue;
    }
    if (l != m.listeners.end()) CloseListener(l->second);
    m.listeners[id] = fresh;
    m.ports[id] = bound;
  }
}

}  // namespace

Status SimServerImpl::HostServer(Member m, int listen_port) {
  if (m.id <= 0) return Status(Error::kBadArguments, fmt::format("bad server id {}", m.id));
  if (ens->Server(m.id) != nullptr)
    return Status(Error::kBadArguments, fmt::format("server {} is already running", m.id));
  uv_tcp_t* l = nullptr;
  int bound = 0;
  Status st = Listen(m.id, listen_port, &l, &bound);
  if (!st.ok()) return st;
  if (m.client_port == 0) {
    m.client_host = opts.host;
    m.client_port = bound;
  }
  if (m.quorum_port == 0) m.quorum_port = static_cast<int>(2880 + m.id);
  if (m.election_port == 0) m.election_port = static_cast<int>(3880 + m.id);
  listeners[m.id] = l;
  ports[m.id] = bound;
  if (Status sst = ListenSecure(m.id, 0); !sst.ok())
    fmt::print(stderr, "zksim: server {} has no TLS listener: {}\n", m.id, sst.ToString());
  ens->AddServer(m);
  return Status();
}

// zksim hosts the whole ensemble: a member that a committed reconfig names
// and that no server runs yet is started then, on its client port (where
// ZooKeeper would need its operator to start it; kill it through the admin
// endpoint to model a member that is down). It counts for quorums only from
// now on, so the reconfig's own NEWCONFIGNOQUORUM check is ZooKeeper's.
void SimServerImpl::OnConfigCommitted() {
  RebindClientPorts(*this);
  for (const auto& [id, m] : ens->members()) {
    if (ens->Server(id) != nullptr || m.client_port == 0) continue;
    Status st = HostServer(m, m.client_port);
    if (!st.ok()) {
      fmt::print(stderr, "zksim: cannot start server {} added by reconfig: {}\n", id,
                 st.ToString());
    }
  }
  if (opts.on_config_committed) opts.on_config_committed(ens->ConfigText());
}

std::string SimServerImpl::AdminStartJoiner(
    int64_t server, const std::function<std::string(const std::string&)>& param, int* status) {
  nlohmann::json out;
  out["command"] = "start";
  out["error"] = nullptr;
  auto port = [&](const std::string& key, int* v) {
    std::string text = param(key);
    if (text.empty()) return true;
    char* end = nullptr;
    long n = std::strtol(text.c_str(), &end, 10);
    if (*end != '\0' || n < 0 || n > 65535) return false;
    *v = static_cast<int>(n);
    return true;
  };
  Member m;
  m.id = server;
  m.host = opts.host;
  m.client_host = opts.host;
  int listen_port = 0;
  std::string type = param("type");
  bool ok = server > 0 && port("client_port", &listen_port) &&
            port("quorum_port", &m.quorum_port) && port("election_port", &m.election_port) &&
            (type.empty() || type == "participant" || type == "observer");
  m.observer = type == "observer";
  Status st = ok ? HostServer(m, listen_port)
                 : Status(Error::kBadArguments,
                          "bad joiner: needs server>0, ports 0..65535, type participant|observer");
  if (!st.ok()) {
    *status = 400;
    out["error"] = st.ToString();
    return out.dump(2);
  }
  out["server"] = server;
  out["joiner"] = true;
  out["client_port"] = ports[server];
  out["server_line"] = SpecOf(*ens->LineOf(server)).ToLine();
  return out.dump(2);
}

void SimServerImpl::OnAccept(int64_t server, uv_stream_t* listener, bool secure) {
  auto* c = new UvConn;
  uv_tcp_init(loop, &c->tcp);
  c->tcp.data = c;
  c->owner = this;
  c->server = server;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), OnConnClosed);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  ServerState* st = ens->Server(server);
  if (st == nullptr || !st->running) {
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), OnConnClosed);
    return;
  }
  c->id = next_conn++;
  sockaddr_storage peer{};
  int len = sizeof(peer);
  uv_tcp_getpeername(&c->tcp, reinterpret_cast<sockaddr*>(&peer), &len);
  char ip[64] = "127.0.0.1";
  uv_ip4_name(reinterpret_cast<sockaddr_in*>(&peer), ip, sizeof(ip));
  int port = ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
  uint64_t id = c->id;
  ServerConnection::Sink sink;
  sink.send = [this, c](std::string b) { Send(c, std::move(b)); };
  sink.close = [this, id](const std::string& reason) { Close(id, reason); };
  sink.four_letter = [this, server, id](const std::string& w) { return FourLetter(server, id, w); };
  sink.may_proceed = [this, c] { return UnsentBytes(c) < limits.max_unsent_bytes; };
  c->proto = std::make_unique<ServerConnection>(ens.get(), server, id, ip, port, std::move(sink),
                                                limits.jute_max_buffer);
  if (secure) c->tls = std::make_unique<TlsSession>(tls);
  conns[id] = c;
  st->conns.insert(id);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), Alloc, OnConnRead);
}

void SimServerImpl::OnConnRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* conn = static_cast<UvConn*>(s->data);
  if (n > 0 && !conn->closing) {
    const std::string_view bytes(buf->base, static_cast<size_t>(n));
    if (conn->tls) {
      conn->owner->OnSecureRead(conn, bytes);
    } else {
      conn->proto->Feed(bytes);
    }
    conn->owner->CheckLoad(conn);
  } else if (n < 0) {
    conn->owner->Close(conn->id, "client closed the connection");
  }
  delete[] buf->base;
}

size_t SimServerImpl::UnsentBytes(UvConn* c) const {
  return c->out.size() + uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(&c->tcp));
}

void SimServerImpl::CheckLoad(UvConn* c) {
  if (c->closing || uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->tcp))) return;
  // Requests held back by Sink::may_proceed go on once the client took
  // enough of its replies.
  if (c->proto->queued() > 0 && UnsentBytes(c) < limits.max_unsent_bytes) c->proto->Resume();
  if (c->closing) return;
  ConnectionLoad load;
  load.outstanding = c->proto->queued();
  load.unsent_bytes = UnsentBytes(c);
  if (!c->paused && ShouldPauseReading(limits, load)) {
    c->paused = true;
    paused.insert(c->id);
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&c->tcp));
  } else if (c->paused && ShouldResumeReading(limits, load)) {
    c->paused = false;
    paused.erase(c->id);
    uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), Alloc, OnConnRead);
  }
}

void SimServerImpl::Send(UvConn* c, std::string bytes) {
  if (c->closing) return;
  c->out += bytes;
  if (!c->dirty) {
    c->dirty = true;
    dirty.push_back(c);
  }
}

void SimServerImpl::Flush() {
  std::vector<UvConn*> d;
  d.swap(dirty);
  for (UvConn* c : d) {
    c->dirty = false;
    if (c->out.empty() || uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->tcp))) continue;
    std::string out;
    out.swap(c->out);
    if (!WriteNoSignal(&c->tcp, Seal(c, std::move(out))))
      Close(c->id, "client closed the connection");
  }
  // Paused connections (connection_limits.h) read again once below half.
  std::vector<uint64_t> ids(paused.begin(), paused.end());
  for (uint64_t id : ids) {
    auto it = conns.find(id);
    if (it == conns.end()) {
      paused.erase(id);
    } else {
      CheckLoad(it->second);
    }
  }
}

void SimServerImpl::Close(uint64_t id, const std::string& reason) {
  auto it = conns.find(id);
  if (it == conns.end()) return;
  UvConn* c = it->second;
  conns.erase(it);
  c->closing = true;
  if (!reason.empty() && reason.rfind("four-letter", 0) != 0)
    fmt::print(stderr, "zksim: server {} closing connection {}: {}\n", c->server, id, reason);
  ServerState* st = ens->Server(c->server);
  if (st) {
    st->conns.erase(id);
    st->watches.RemoveConnection(id);
  }
  if (Session* se = ens->sessions().Find(c->proto->session_id())) {
    if (se->conn == id) se->conn = 0;
    // A read-only server's local session ends with its connection.
    if (se->local && se->conn == 0) ens->sessions().Remove(se->id);
  }
  c->proto->Detach();
  // Flush what is pending (e.g. a 4lw answer or a final reply), then close.
  if (!c->out.empty()) {
    std::string out;
    out.swap(c->out);
    (void)WriteNoSignal(&c->tcp, Seal(c, std::move(out)));  // closing anyway
  }
  if (c->tls) (void)WriteNoSignal(&c->tcp, c->tls->CloseNotify());
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&c->tcp));
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), OnConnClosed);
}

void SimServerImpl::Tick() {
  ens->Tick();
  int64_t now = clock->NowMs();
  if (opts.container_check_ms > 0 && now >= next_container_check_ms) {
    next_container_check_ms = now + opts.container_check_ms;
    for (const auto& path : ReapContainers(*ens, opts.container_max_never_used_ms))
      fmt::print(stderr, "zksim: deleted container/TTL node {}\n", path);
  }
  while (!delayed_closes.empty() && delayed_closes.begin()->first <= now) {
    uint64_t id = delayed_closes.begin()->second;
    delayed_closes.erase(delayed_closes.begin());
    Close(id, "shed");
  }
}

std::vector<const ServerConnection*> SimServerImpl::ConnsOf(int64_t server) const {
  std::vector<const ServerConnection*> out;
  for (const auto& [id, c] : conns) {
    if (c->server == server) out.push_back(c->proto.get());
  }
  return out;
}

std::string SimServerImpl::FourLetter(int64_t server, uint64_t conn, const std::string& word) {
  if (word == "shed" || word == "sh25" || word == "sh50") {
    bool allowed = opts.four_letter_whitelist.count("*") || opts.four_letter_whitelist.count(word);
    if (!allowed) return word + " is not executed because it is not in the whitelist.\n";
    double f = word == "shed" ? 1.0 : word == "sh25" ? 0.25 : 0.5;
    int n = Shed(server, f, -1, -1, 0, conn);
    return fmt::format("Shed {} connections\n", n);
  }
  FourLetterContext ctx;
  ctx.ens = ens.get();
  ctx.server = server;
  ctx.conns = ConnsOf(server);
  ctx.whitelist = opts.four_letter_whitelist;
  return FourLetterText(ctx, word);
}

int SimServerImpl::Shed(int64_t server, double fraction, int count, int target,
                        int64_t window_ms, uint64_t except) {
  std::vector<uint64_t> candidates;
  for (const auto& [id, c] : conns) {
    if ((server == 0 || c->server == server) && id != except &&
        c->proto->session_id() != 0)
      candidates.push_back(id);
  }
  std::vector<uint64_t> chosen;
  if (count >= 0 || target >= 0) {
    size_t n = count >= 0 ? static_cast<size_t>(count)
                          : (candidates.size() > static_cast<size_t>(target)
                                 ? candidates.size() - static_cast<size_t>(target)
                                 : 0);
    std::shuffle(candidates.begin(), candidates.end(), rng);
    candidates.resize(std::min(n, candidates.size()));
    chosen = candidates;
  } else {
    // ZOOKEEPER-2748: each connection independently with probability p.
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (uint64_t id : candidates) {
      if (fraction >= 1.0 || u(rng) < fraction) chosen.push_back(id);
    }
  }
  int64_t now = clock->NowMs();
  std::uniform_int_distribution<int64_t> when(0, std::max<int64_t>(0, window_ms));
  for (uint64_t id : chosen) {
    if (window_ms > 0) {
      delayed_closes.emplace(now + when(rng), id);
    } else {
      Close(id, "shed");  // the session is not expired: the client moves it
    }
  }
  return static_cast<int>(chosen.size());
}

SimServer::SimServer() : impl_(std::make_unique<SimServerImpl>()) {}
SimServer::~SimServer() = default;

Status SimServer::Start(uv_loop_t* loop, const SimOptions& opts) {
  SimServerImpl& m = *impl_;
  m.loop = loop;
  m.opts = opts;
  m.rng.seed(opts.seed);
  m.limits.jute_max_buffer = opts.jute_max_buffer;
  m.limits.max_outstanding = opts.max_outstanding;
  m.limits.max_unsent_bytes = opts.max_unsent_bytes;
  m.clock = std::make_unique<LoopClock>(loop);
  EnsembleOptions eo;
  eo.servers = opts.servers;
  eo.host = opts.host;
  eo.tick_ms = opts.tick_ms;
  eo.reconfig_enabled = opts.reconfig_enabled;
  eo.standalone_enabled = opts.standalone_enabled;
  eo.skip_acl = opts.skip_acl;
  eo.super_digest = opts.super_digest;
  eo.seed = opts.seed;
  eo.reconfig_commit_ms = opts.reconfig_commit_ms;
  eo.handoff_ms = opts.handoff_ms;
  eo.extended_types_enabled = opts.extended_types_enabled;
  eo.read_only_enabled = opts.read_only_enabled;
  eo.initial_config_version = opts.initial_config_version;
  eo.sasl_users = opts.sasl_users;
  eo.sasl_super_user = opts.sasl_super_user;
  eo.enforce_auth_schemes = opts.enforce_auth_schemes;
  if (Status st = m.SetUpTls(); !st.ok()) return st;
  for (const SimMember& sm : opts.members) {
    uv_tcp_t* l = nullptr;
    int bound = 0;
    Status st = m.Listen(sm.id, sm.listen_port, &l, &bound);
    if (!st.ok()) {
      Stop();
      return st;
    }
    m.listeners[sm.id] = l;
    m.ports[sm.id] = bound;
    if (st = m.ListenSecure(sm.id, sm.secure_listen_port); !st.ok()) {
      Stop();
      return st;
    }
    eo.members.push_back(Member{sm.id, sm.host, sm.quorum_port, sm.election_port, sm.observer,
                                sm.client_host, sm.client_port});
  }
  for (int k = 1; opts.members.empty() && k <= opts.servers; ++k) {
    uv_tcp_t* l = nullptr;
    int bound = 0;
    Status st = m.Listen(k, opts.client_port_base ? opts.client_port_base + k - 1 : 0, &l, &bound);
    if (!st.ok()) {
      Stop();
      return st;
    }
    m.listeners[k] = l;
    m.ports[k] = bound;
    eo.client_ports.push_back(bound);
    if (st = m.ListenSecure(k, opts.secure_port_base ? opts.secure_port_base + k - 1 : 0);
        !st.ok()) {
      Stop();
      return st;
    }
  }
  Ensemble::Hooks hooks;
  SimServerImpl* self = &m;
  hooks.event = [self](int64_t, uint64_t conn, EventType t, const std::string& p) {
    auto it = self->conns.find(conn);
    if (it != self->conns.end()) it->second->proto->Notify(t, p);
  };
  hooks.close_conn = [self](int64_t, uint64_t conn, const std::string& reason) {
    self->Close(conn, reason);
  };
  hooks.config_changed = [self] { self->OnConfigCommitted(); };
  m.ens = std::make_unique<Ensemble>(eo, m.clock.get(), hooks);
  m.next_container_check_ms = m.clock->NowMs() + opts.container_check_ms;
  uv_check_init(loop, &m.check);
  m.check.data = &m;
  uv_check_start(&m.check, [](uv_check_t* h) { static_cast<SimServerImpl*>(h->data)->Flush(); });
  uv_timer_init(loop, &m.timer);
  m.timer.data = &m;
  uv_timer_start(
      &m.timer,
      [](uv_timer_t* t) {
        auto* s = static_cast<SimServerImpl*>(t->data);
        s->Tick();
        s->Flush();
      },
      5, 5);
  if (opts.admin_port >= 0) {
    Status st = m.StartAdmin(opts.admin_port);
    if (!st.ok()) {
      Stop();
      return st;
    }
  }
  return Status();
}

void SimServer::Stop() {
  SimServerImpl& m = *impl_;
  if (m.stopped) return;
  m.stopped = true;
  std::vector<uint64_t> ids;
  for (const auto& [id, c] : m.conns) ids.push_back(id);
  for (uint64_t id : ids) m.Close(id, "shutdown");
  for (auto& [k, l] : m.listeners) CloseListener(l);
  m.listeners.clear();
  for (auto& [k, l] : m.secure_listeners) CloseListener(l);
  m.secure_listeners.clear();
  if (m.ens) {
    uv_close(reinterpret_cast<uv_handle_t*>(&m.check), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&m.timer), nullptr);
  }
  if (m.admin) {
    uv_close(reinterpret_cast<uv_handle_t*>(m.admin), FreeTcp);
    m.admin = nullptr;
  }
}

std::string SimServer::ConnectString() const {
  std::string out;
  for (const auto& [k, p] : impl_->ports) {
    if (!out.empty()) out += ",";
    out += fmt::format("{}:{}", impl_->opts.host, p);
  }
  return out;
}

std::string SimServer::SecureConnectString() const {
  std::string out;
  for (const auto& [k, p] : impl_->secure_ports) {
    if (!out.empty()) out += ",";
    out += fmt::format("{}:{}", impl_->opts.host, p);
  }
  return out;
}

std::vector<int> SimServer::SecureClientPorts() const {
  std::vector<int> out;
  for (const auto& [k, p] : impl_->secure_ports) out.push_back(p);
  return out;
}

std::vector<int> SimServer::ClientPorts() const {
  std::vector<int> out;
  for (const auto& [k, p] : impl_->ports) out.push_back(p);
  return out;
}

std::string SimServer::ConfigText() const { return impl_->ens->ConfigText(); }

int SimServer::AdminPort() const { return impl_->admin_port; }
Status SimServer::StartJoiner(const SimMember& sm) {
  Member m{sm.id,       sm.host,        sm.quorum_port, sm.election_port,
           sm.observer, sm.client_host, sm.client_port};
  return impl_->HostServer(m, sm.listen_port);
}

std::string SimServer::ServerLine(int64_t id) const {
  const Member* m = impl_->ens->LineOf(id);
  return m == nullptr ? std::string() : SpecOf(*m).ToLine();
}

bool SimServer::Kill(int64_t id) { return impl_->ens->Kill(id); }
bool SimServer::Restart(int64_t id) { return impl_->ens->Start(id); }
bool SimServer::Isolate(int64_t id, bool on) { return impl_->ens->Isolate(id, on); }
bool SimServer::SetLag(int64_t id, int64_t ms) { return impl_->ens->SetLag(id, ms); }
int SimServer::Shed(int64_t server, double fraction, int count, int target, int64_t window_ms,
                    uint64_t except_conn) {
  return impl_->Shed(server, fraction, count, target, window_ms, except_conn);
}
size_t SimServer::ConnectionCount(int64_t server) const {
  return impl_->ConnsOf(server).size();
}

}  // namespace zk::sim
