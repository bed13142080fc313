// The AdminServer-style HTTP endpoint: /commands/<name>, JSON answers, parsed
// with http-parser on the loop. `?server=k` picks the server (default 1).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "admin_auth.h"
#include "admin_request.h"
#include "four_letter.h"
#include "sha1.h"
#include "sim_server_impl.h"
#include "tcp_write.h"

namespace zk::sim {

struct AdminConn {
  uv_tcp_t tcp;
  SimServerImpl* owner = nullptr;
  AdminRequestReader reader;
  std::string peer_ip = "127.0.0.1";
};

namespace {

// The ids of an Authorization header value "<scheme> [<auth>]" (ZooKeeper
// 3.9's Commands.handleAuthentication): "digest user:password" gives
// digest:user:<base64 sha1> (and super when it is the super digest), "ip"
// the caller's address. Anything else: AUTHFAILED.
Status AdminIdentity(const std::string& header, const std::string& peer_ip,
                     const std::string& super_digest, AuthInfo* out) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t sp = header.find(' ', pos);
    parts.push_back(header.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
    if (sp == std::string::npos) break;
    pos = sp + 1;
  }
  if (parts.size() == 2 && parts[0] == "digest" && !parts[1].empty()) {
    std::string id = DigestId(parts[1]);
    if (!super_digest.empty() && id == super_digest) out->Add({"super", ""});
    out->Add({"digest", id});
    return Status();
  }
  if (parts.size() == 1 && parts[0] == "ip") {
    out->Add({"ip", peer_ip});
    return Status();
  }
  return Status(Error::kAuthFailed, "unsupported Authorization");
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    default:
      return "Error";
  }
}

void Respond(AdminConn* c, int status, const std::string& json) {
  // 401: how to authenticate (admin_auth.h).
  const char* challenge = status == 401 ? "WWW-Authenticate: Basic realm=\"zksim\"\r\n" : "";
  (void)WriteNoSignal(&c->tcp, fmt::format("HTTP/1.1 {} {}\r\nContent-Type: application/json\r\n"
                                           "{}Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                                           status, ReasonPhrase(status), challenge, json.size(),
                                           json));
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp),
           [](uv_handle_t* h) { delete static_cast<AdminConn*>(h->data); });
}

}  // namespace

Status SimServerImpl::StartAdmin(int port) {
  admin = new uv_tcp_t;
  uv_tcp_init(loop, admin);
  admin->data = this;
  // opts.admin_address: loopback unless told otherwise (IPv4 or IPv6).
  sockaddr_storage addr{};
  int rc = uv_ip4_addr(opts.admin_address.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (rc != 0) {
    rc = uv_ip6_addr(opts.admin_address.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr));
  }
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(admin),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    admin = nullptr;
    return Status(Error::kBadArguments,
                  fmt::format("admin address \"{}\" is not an IP address", opts.admin_address));
  }
  rc = uv_tcp_bind(admin, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(admin), 64, [](uv_stream_t* l, int status) {
      if (status < 0) return;
      auto* self = static_cast<SimServerImpl*>(l->data);
      auto* c = new AdminConn;
      c->owner = self;
      uv_tcp_init(self->loop, &c->tcp);
      c->tcp.data = c;
      if (uv_accept(l, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp),
                 [](uv_handle_t* h) { delete static_cast<AdminConn*>(h->data); });
        return;
      }
      sockaddr_storage peer{};
      int peer_len = sizeof(peer);
      char ip[64];
      if (uv_tcp_getpeername(&c->tcp, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 &&
          uv_ip4_name(reinterpret_cast<sockaddr_in*>(&peer), ip, sizeof(ip)) == 0)
        c->peer_ip = ip;
      uv_read_start(
          reinterpret_cast<uv_stream_t*>(&c->tcp),
          [](uv_handle_t*, size_t s, uv_buf_t* b) {
            b->base = new char[s];
            b->len = s;
          },
          [](uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
            auto* ac = static_cast<AdminConn*>(s->data);
            if (n < 0) {
              uv_read_stop(s);
              uv_close(reinterpret_cast<uv_handle_t*>(s),
                       [](uv_handle_t* h) { delete static_cast<AdminConn*>(h->data); });
            } else if (n > 0 && ac->reader.state() == AdminRequestReader::State::kIncomplete) {
              const auto state = ac->reader.Feed(std::string_view(b->base, static_cast<size_t>(n)));
              if (state == AdminRequestReader::State::kMalformed) {
                uv_read_stop(s);
                Respond(ac, 400, R"({"error":"malformed HTTP request"})");
              } else if (state == AdminRequestReader::State::kComplete) {
                uv_read_stop(s);
                const AdminRequest& req = ac->reader.request();
                int status = 200;
                std::string out;
                const std::string prefix = "/commands/";
                if (req.path.rfind(prefix, 0) != 0) {
                  status = 404;
                  out = R"({"error":"not found"})";
                } else {
                  out = ac->owner->AdminCommand(req.method, req.path.substr(prefix.size()),
                                                req.query, req.body, &status, req.authorization,
                                                ac->peer_ip);
                }
                Respond(ac, status, out);
              }
            }
            delete[] b->base;
          });
    });
  }
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(admin),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    admin = nullptr;
    return Status(Error::kSystemError, fmt::format("admin bind {}: {}", port, uv_strerror(rc)));
  }
  sockaddr_storage name{};
  int len = sizeof(name);
  uv_tcp_getsockname(admin, reinterpret_cast<sockaddr*>(&name), &len);
  admin_port = name.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&name)->sin6_port)
                                           : ntohs(reinterpret_cast<sockaddr_in*>(&name)->sin_port);
  return Status();
}

std::string SimServerImpl::AdminCommand(const std::string& method, const std::string& name_in,
                                        const std::string& query, const std::string& body,
                                        int* status, const std::string& authorization,
                                        const std::string& peer_ip) {
  using nlohmann::json;
  std::string name = name_in;
  static const std::map<std::string, std::string> kAliases = {
      {"cons", "connections"},     {"srvr", "server_stats"},     {"stat", "stats"},
      {"lead", "leader"},          {"shed", "shed_connections"}, {"conf", "configuration"},
      {"config", "configuration"}, {"mntr", "monitor"},          {"isro", "is_read_only"},
      {"wchc", "watches"},         {"wchp", "watches_by_path"},  {"wchs", "watch_summary"}};
  if (auto it = kAliases.find(name); it != kAliases.end()) name = it->second;
  // Control commands need credentials (admin_auth.h); read-only ones are open.
  if (AdminAuthDecision d =
          CheckControlAuth(name, authorization, opts.admin_digest, opts.super_digest);
      d.http_status != 200) {
    *status = d.http_status;
    return nlohmann::json{{"command", name}, {"error", d.error}}.dump(2);
  }
  int64_t server = 1;
  std::string sq = QueryParam(query, "server");
  if (!sq.empty()) server = std::atoll(sq.c_str());
  json out;
  out["command"] = name;
  out["error"] = nullptr;
  ServerState* st = ens->Server(server);
  if (st == nullptr && name == "start") {
    // An id that is not hosted: start it as a joiner (sim_server.cc).
    return AdminStartJoiner(
        server, [&](const std::string& k) { return QueryParam(query, k); }, status);
  }
  if (st == nullptr) {
    out["error"] = fmt::format("unknown server {}", server);
    *status = 400;
    return out.dump(2);
  }
  auto conn_json = [&](const ServerConnection* c, bool full) {
    json j = {{"remote_socket_address", fmt::format("{}:{}", c->remote_ip(), c->remote_port())},
              {"interest_ops", 1},
              {"outstanding_requests", c->queued()},
              {"packets_received", c->received},
              {"packets_sent", c->sent}};
    if (full && c->session_id() != 0) {
      j["session_id"] = c->session_id();
      j["last_operation"] = c->last_op;
      j["established"] = c->established_ms;
      j["session_timeout"] = c->timeout_ms;
      j["last_cxid"] = c->last_cxid;
      j["last_zxid"] = c->last_zxid;
      j["last_response_time"] = c->last_response_ms;
      j["last_latency"] = c->last_latency;
      j["min_latency"] = c->min_latency < 0 ? 0 : c->min_latency;
      j["avg_latency"] = c->count ? c->total_latency / c->count : 0;
      j["max_latency"] = c->max_latency;
    }
    return j;
  };
  auto server_stats = [&] {
    const ServerStats& s = st->stats;
    return json{{"packets_sent", s.packets_sent},
                {"packets_received", s.packets_received},
                {"server_state", ModeName(*ens, server)},
                {"last_processed_zxid", st->applied_zxid},
                {"outstanding_requests", 0},
                {"avg_latency", s.count ? double(s.total_latency) / double(s.count) : 0.0},
                {"max_latency", s.max_latency},
                {"min_latency", s.min_latency < 0 ? 0 : s.min_latency},
                {"num_alive_client_connections", ConnsOf(server).size()},
                {"uptime", clock->NowMs() - st->started_ms},
                {"auth_failed_count", 0}};
  };
  // The session a connection of this server holds (0: none).
  auto session_of = [&](uint64_t conn) -> int64_t {
    for (const auto* c : ConnsOf(server)) {
      if (c->id() == conn) return c->session_id();
    }
    return 0;
  };
  auto ctl = [&](bool ok) {
    if (!ok) {
      out["error"] = fmt::format("unknown server {}", server);
      *status = 400;
    }
    out["server"] = server;
  };
  if (name == "ruok") {
  } else if (name == "connections") {
    out["connections"] = json::array();
    for (const auto* c : ConnsOf(server)) out["connections"].push_back(conn_json(c, true));
    out["secure_connections"] = json::array();
  } else if (name == "server_stats" || name == "stats") {
    out["version"] = kZkVersion;
    out["read_only"] = st->read_only;
    out["server_stats"] = server_stats();
    out["node_count"] = st->tree.NodeCount();
    if (name == "stats") {
      out["connections"] = json::array();
      for (const auto* c : ConnsOf(server)) out["connections"].push_back(conn_json(c, false));
      out["secure_connections"] = json::array();
    }
  } else if (name == "leader") {
    out["is_leader"] = server == ens->leader();
    out["leader_id"] = ens->leader();
    out["leader_ip"] = opts.host;
  } else if (name == "voting_view") {
    json cur = json::object();
    for (const auto& [id, m] : ens->members()) {
      cur[std::to_string(id)] = {
          {"serverAddresses", {fmt::format("{}:{}", m.host, m.quorum_port)}},
          {"electionAddresses", {fmt::format("{}:{}", m.host, m.election_port)}},
          {"clientAddress",
           m.client_port ? fmt::format("{}:{}", m.client_host, m.client_port) : ""},
          {"learnerType", m.observer ? "observer" : "participant"}};
    }
    out["current_config"] = cur;
  } else if (name == "configuration") {
    const auto& mm = ens->members();
    auto it = mm.find(server);
    out["client_port"] = it == mm.end() ? 0 : it->second.client_port;
    out["data_dir"] = fmt::format("/tmp/zksim/{}/version-2", server);
    out["data_log_dir"] = out["data_dir"];
    out["tick_time"] = opts.tick_ms;
    out["max_client_cnxns"] = 0;
    out["min_session_timeout"] = ens->sessions().Negotiate(0);
    out["max_session_timeout"] = ens->sessions().Negotiate(INT32_MAX);
    out["server_id"] = server;
    out["client_port_listen_backlog"] = -1;
  } else if (name == "is_read_only") {
    out["read_only"] = st->read_only;
  } else if (name == "monitor") {
    FourLetterContext ctx{ens.get(), server, ConnsOf(server), {"*"}};
    std::string text = FourLetterText(ctx, "mntr");
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      std::string line = text.substr(pos, nl - pos);
      auto tab = line.find('\t');
      if (tab != std::string::npos) {
        std::string k = line.substr(3, tab - 3), v = line.substr(tab + 1);
        // JSON numbers where mntr prints numbers (integers, Java doubles).
        char* end = nullptr;
        long long iv = std::strtoll(v.c_str(), &end, 10);
        if (!v.empty() && *end == '\0') {
          out[k] = iv;
        } else if (double dv = std::strtod(v.c_str(), &end); !v.empty() && *end == '\0') {
          out[k] = dv;
        } else {
          out[k] = v;
        }
      }
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
  } else if (name == "shed_connections") {
    if (method != "POST") {
      *status = 400;
      out["error"] = "shed_connections needs POST with a JSON body";
      return out.dump(2);
    }
    json req = json::parse(body, nullptr, false);
    if (req.is_discarded() || !req.is_object()) {
      *status = 400;
      out["error"] = "bad JSON body";
      return out.dump(2);
    }
    // Past CheckControlAuth (above), the identity of the Authorization header
    // also needs ALL on "/", as ZooKeeper 3.9's AuthRequest(ALL, "/"). (The
    // empty-header branch is for in-process callers of AdminCommand only.)
    AuthInfo caller;
    if (authorization.empty()) {
      caller.Add({"ip", peer_ip});
    } else {
      // HTTP Basic carries the same user:password as "digest user:password".
      auto creds = CredentialsOf(authorization);
      Status st_auth = AdminIdentity(creds.ok() ? "digest " + *creds : authorization, peer_ip,
                                     opts.super_digest, &caller);
      if (!st_auth.ok()) {
        *status = 401;
        out["error"] = "Not authenticated";
        return out.dump(2);
      }
    }
    // Each bit separately, as ZooKeeper's handleAuthorization: CheckAcl
    // passes when an entry grants any bit of the mask.
    bool all = true;
    for (int32_t bit = 1; bit <= kPermAll; bit <<= 1) {
      if (!CheckAcl(st->tree.Find("/")->acl, caller, bit, opts.skip_acl)) all = false;
    }
    if (!all) {
      *status = 403;
      out["error"] = "Not authorized";
      return out.dump(2);
    }
    Result<ShedArguments> args = ParseShedArguments(req);
    if (!args.ok()) {
      *status = 400;
      out["error"] = args.status().message();
      return out.dump(2);
    }
    const int64_t pct = args->percentage, count = args->count, target = args->target,
                  window = args->window_ms;
    int n = Shed(server, pct >= 0 ? double(pct) / 100.0 : 0.0, static_cast<int>(count),
                 static_cast<int>(target), window, 0);
    out["connections_shed"] = n;
    out["percentage_requested"] = pct >= 0 ? pct : 0;
    out["server"] = server;
    if (count >= 0) out["count_requested"] = count;
    if (target >= 0) out["target"] = target;
    out["window_ms"] = window;
  } else if (name == "watches") {
    // Data watches of this server, by session (DataTree.getWatches).
    json by_session = json::object();
    for (const auto& [path, conns] : st->watches.DataByPath()) {
      for (uint64_t c : conns) {
        int64_t sid = session_of(c);
        if (sid != 0) by_session[std::to_string(sid)].push_back(path);
      }
    }
    out["session_id_to_watched_paths"] = by_session;
  } else if (name == "watches_by_path") {
    json by_path = json::object();
    for (const auto& [path, conns] : st->watches.DataByPath()) {
      for (uint64_t c : conns) {
        int64_t sid = session_of(c);
        if (sid != 0) by_path[path].push_back(sid);
      }
    }
    out["path_to_session_ids"] = by_path;
  } else if (name == "watch_summary") {
    out["num_connections"] = st->watches.DataConnectionCount();
    out["num_paths"] = st->watches.DataPathCount();
    out["num_total_watches"] = st->watches.DataWatchCount();
  } else if (name == "dump") {
    // The leader's session expiry buckets (ExpiryQueue: expiry rounded up to
    // the next tick, on the server's monotonic clock), and ephemerals.
    json expiry = json::object();
    if (server == ens->leader()) {
      const int64_t tick = std::max(1, opts.tick_ms);
      for (const auto& [sid, se] : ens->sessions().All()) {
        if (se.local) continue;
        int64_t at = (se.last_seen_ms + se.timeout_ms) / tick * tick + tick;
        expiry[std::to_string(at)].push_back(sid);
      }
    }
    out["expiry_time_to_session_ids"] = expiry;
    json eph = json::object();
    for (const auto& [sid, paths] : st->tree.AllEphemerals()) {
      eph[std::to_string(sid)] = std::vector<std::string>(paths.begin(), paths.end());
    }
    out["session_id_to_ephemeral_paths"] = eph;
  } else if (name == "zabstate") {
    const auto& mm = ens->members();
    auto it = mm.find(server);
    const std::string mode = ModeName(*ens, server);
    if (!st->serving || mode == "standalone" || mode == "read-only" || it == mm.end()) {
      // Not a quorum server (standalone, read-only, not running).
      out["voting"] = false;
      out["zabstate"] = "";
    } else {
      const Member& m = it->second;
      out["myid"] = server;
      out["is_leader"] = server == ens->leader();
      out["quorum_address"] = fmt::format("{}:{}", m.host, m.quorum_port);
      out["election_address"] = fmt::format("{}:{}", m.host, m.election_port);
      out["client_address"] =
          fmt::format("{}:{}", m.client_port ? m.client_host : "0.0.0.0", ports[server]);
      out["voting"] = !m.observer;
      out["last_zxid"] = fmt::format("0x{:x}", static_cast<uint64_t>(st->applied_zxid));
      out["zab_epoch"] = st->applied_zxid >> 32;
      out["zab_counter"] = st->applied_zxid & 0xffffffff;
      out["zabstate"] = "broadcast";
    }
  } else if (name == "kill") {
    ctl(ens->Kill(server));
  } else if (name == "start") {
    ctl(ens->Start(server));
  } else if (name == "isolate") {
    std::string on = QueryParam(query, "on");
    ctl(ens->Isolate(server, on != "false" && on != "0"));
  } else if (name == "lag") {
    ctl(ens->SetLag(server, std::atoll(QueryParam(query, "ms").c_str())));
    out["lag_ms"] = st->lag_ms;
  } else {
    out["error"] = "Unknown command: " + name_in;
  }
  return out.dump(2);
}

}  // namespace zk::sim
