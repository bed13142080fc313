// The AdminServer-style HTTP endpoint: /commands/<name>, JSON answers, parsed
// with http-parser on the loop. `?server=k` picks the server (default 1).
#include <http_parser.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "four_letter.h"
#include "sim_server_impl.h"

namespace zk::sim {

struct AdminConn {
  uv_tcp_t tcp;
  SimServerImpl* owner = nullptr;
  http_parser parser;
  http_parser_settings settings;
  std::string url, body;
  bool done = false;
};

namespace {

struct AdminWrite {
  uv_write_t req;
  std::string data;
};

std::string QueryParam(const std::string& query, const std::string& key) {
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = kv.find('=');
    if (kv.substr(0, eq) == key) return eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

void Respond(AdminConn* c, int status, const std::string& json) {
  auto* w = new AdminWrite;
  w->data = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      status, status == 200 ? "OK" : status == 400 ? "Bad Request" : "Error", json.size(), json);
  w->req.data = w;
  uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c->tcp), &b, 1,
               [](uv_write_t* r, int) { delete static_cast<AdminWrite*>(r->data); }) != 0)
    delete w;
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp),
           [](uv_handle_t* h) { delete static_cast<AdminConn*>(h->data); });
}

}  // namespace

Status SimServerImpl::StartAdmin(int port) {
  admin = new uv_tcp_t;
  uv_tcp_init(loop, admin);
  admin->data = this;
  sockaddr_in addr{};
  uv_ip4_addr(opts.host.c_str(), port, &addr);
  int rc = uv_tcp_bind(admin, reinterpret_cast<const sockaddr*>(&addr), 0);
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
      http_parser_init(&c->parser, HTTP_REQUEST);
      c->parser.data = c;
      http_parser_settings_init(&c->settings);
      c->settings.on_url = [](http_parser* p, const char* at, size_t len) {
        static_cast<AdminConn*>(p->data)->url.append(at, len);
        return 0;
      };
      c->settings.on_body = [](http_parser* p, const char* at, size_t len) {
        auto* ac = static_cast<AdminConn*>(p->data);
        if (ac->body.size() + len > 65536) return 1;
        ac->body.append(at, len);
        return 0;
      };
      c->settings.on_message_complete = [](http_parser* p) {
        static_cast<AdminConn*>(p->data)->done = true;
        return 0;
      };
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
            } else if (n > 0 && !ac->done) {
              size_t used = http_parser_execute(&ac->parser, &ac->settings, b->base,
                                                static_cast<size_t>(n));
              if (used != static_cast<size_t>(n) && !ac->done) {
                uv_read_stop(s);
                Respond(ac, 400, R"({"error":"malformed HTTP request"})");
              } else if (ac->done) {
                uv_read_stop(s);
                std::string path = ac->url, query;
                auto q = path.find('?');
                if (q != std::string::npos) {
                  query = path.substr(q + 1);
                  path = path.substr(0, q);
                }
                int status = 200;
                std::string out;
                const std::string prefix = "/commands/";
                if (path.rfind(prefix, 0) != 0) {
                  status = 404;
                  out = R"({"error":"not found"})";
                } else {
                  out = ac->owner->AdminCommand(http_method_str(http_method(ac->parser.method)),
                                                path.substr(prefix.size()), query, ac->body,
                                                &status);
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
  admin_port = ntohs(reinterpret_cast<sockaddr_in*>(&name)->sin_port);
  return Status();
}

std::string SimServerImpl::AdminCommand(const std::string& method, const std::string& name_in,
                                        const std::string& query, const std::string& body,
                                        int* status) {
  using nlohmann::json;
  std::string name = name_in;
  static const std::map<std::string, std::string> kAliases = {
      {"cons", "connections"}, {"srvr", "server_stats"}, {"stat", "stats"},
      {"lead", "leader"},      {"shed", "shed_connections"}, {"conf", "configuration"},
      {"config", "configuration"}, {"mntr", "monitor"}, {"isro", "is_read_only"}};
  if (auto it = kAliases.find(name); it != kAliases.end()) name = it->second;
  int64_t server = 1;
  std::string sq = QueryParam(query, "server");
  if (!sq.empty()) server = std::atoll(sq.c_str());
  json out;
  out["command"] = name;
  out["error"] = nullptr;
  ServerState* st = ens->Server(server);
  if (st == nullptr && name == "start") {
    // An id that is not hosted: start it as a joiner (sim_server.cc).
    return AdminStartJoiner(server, [&](const std::string& k) { return QueryParam(query, k); },
                            status);
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
        char* end = nullptr;
        long long iv = std::strtoll(v.c_str(), &end, 10);
        if (!v.empty() && *end == '\0') {
          out[k] = iv;
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
    // ALL permission on "/" for the caller: the admin caller has only the ip
    // identity (no HTTP auth here), checked against the root's ACL.
    AuthInfo caller;
    caller.Add({"ip", "127.0.0.1"});
    if (!opts.skip_acl && !CheckAcl(st->tree.Find("/")->acl, caller, kPermAll, false)) {
      *status = 403;
      out["error"] = "caller lacks ALL permission on /";
      return out.dump(2);
    }
    auto int_field = [&](const char* k, int64_t lo, int64_t hi, int64_t* v) -> bool {
      if (!req.contains(k)) return true;
      if (!req[k].is_number_integer() || req[k].get<int64_t>() < lo || req[k].get<int64_t>() > hi) {
        *status = 400;
        out["error"] = fmt::format("\"{}\" must be an integer in [{}, {}]", k, lo, hi);
        return false;
      }
      *v = req[k].get<int64_t>();
      return true;
    };
    int64_t pct = -1, count = -1, target = -1, window = 0;
    if (!int_field("percentage", 0, 100, &pct) || !int_field("count", 0, 1 << 30, &count) ||
        !int_field("target", 0, 1 << 30, &target) || !int_field("window_ms", 0, 3600000, &window))
      return out.dump(2);
    if (pct < 0 && count < 0 && target < 0) {
      *status = 400;
      out["error"] = "one of \"percentage\", \"count\" or \"target\" is required";
      return out.dump(2);
    }
    int n = Shed(server, pct >= 0 ? double(pct) / 100.0 : 0.0, static_cast<int>(count),
                 static_cast<int>(target), window, 0);
    out["connections_shed"] = n;
    out["percentage_requested"] = pct >= 0 ? pct : 0;
    out["server"] = server;
    if (count >= 0) out["count_requested"] = count;
    if (target >= 0) out["target"] = target;
    out["window_ms"] = window;
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
