// plan_followers: real SDK sessions placed on chosen servers, for testing
// `zkcli rebalance` end to end (cli_sessions.py).
//
//   plan_followers CONNECT COUNTS PLAN_PATH SEED
//
// CONNECT is the ensemble's connect string (h1,h2,...), COUNTS how many
// sessions start on each of its hosts ("24,3,3"). Each session connects to
// its host alone and is then handed the whole list without migrating
// (migration policy none, ensemble tracking off), so the placement holds
// until a plan moves it. PLAN_PATH is the plan znode the sessions follow
// ("-": none, sessions that never move by a plan). SEED seeds every
// session (session i gets SEED + i), and is printed.
//
// Prints one line `ready` when every session is connected with the whole
// list, then answers each stdin line `report` with one JSON line:
//   {"counts": [n1, n2, ...], "moved": m, "connected": c}
// (counts per host of CONNECT, sessions not on their first server, sessions
// connected). Exits, closing every session, at the end of stdin. Exit code
// 2 on bad arguments or when the sessions cannot be placed within 30 s.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "zk/client/blocking_client.h"
#include "zk/wire/connect_string.h"

namespace {

struct Session {
  std::unique_ptr<zk::BlockingClient> client;
  zk::HostPort first;
};

bool AllPlaced(std::vector<Session>& sessions) {
  for (auto& s : sessions) {
    if (s.client->state() != zk::SessionState::kConnected || !s.client->current_server())
      return false;
  }
  return true;
}

nlohmann::json Report(std::vector<Session>& sessions, const std::vector<zk::HostPort>& hosts) {
  std::vector<int64_t> counts(hosts.size(), 0);
  int64_t moved = 0, connected = 0;
  for (auto& s : sessions) {
    auto cur = s.client->current_server();
    if (s.client->state() != zk::SessionState::kConnected || !cur) continue;
    ++connected;
    if (*cur != s.first) ++moved;
    for (size_t i = 0; i < hosts.size(); ++i) {
      if (hosts[i] == *cur) ++counts[i];
    }
  }
  return nlohmann::json{{"counts", counts}, {"moved", moved}, {"connected", connected}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: plan_followers CONNECT COUNTS PLAN_PATH SEED\n");
    return 2;
  }
  const std::string connect = argv[1], plan_path = argv[3];
  auto cs = zk::wire::ParseConnectString(connect);
  if (!cs.ok()) {
    std::fprintf(stderr, "plan_followers: %s\n", cs.status().message().c_str());
    return 2;
  }
  std::vector<int64_t> counts;
  for (const char* p = argv[2]; *p != '\0';) {
    char* end = nullptr;
    long n = std::strtol(p, &end, 10);
    if (end == p || n < 0 || (*end != ',' && *end != '\0')) {
      std::fprintf(stderr, "plan_followers: bad COUNTS %s\n", argv[2]);
      return 2;
    }
    counts.push_back(n);
    p = *end == ',' ? end + 1 : end;
  }
  if (counts.size() != cs->hosts.size()) {
    std::fprintf(stderr, "plan_followers: %zu counts for %zu hosts\n", counts.size(),
                 cs->hosts.size());
    return 2;
  }
  const uint64_t seed = std::strtoull(argv[4], nullptr, 10);
  std::fprintf(stderr, "plan_followers: seed %llu\n", static_cast<unsigned long long>(seed));

  std::vector<Session> sessions;
  uint64_t i = 0;
  for (size_t h = 0; h < counts.size(); ++h) {
    for (int64_t k = 0; k < counts[h]; ++k, ++i) {
      zk::ClientOptions o;
      o.connect_string = cs->hosts[h].ToString();
      o.session_timeout = std::chrono::seconds(10);
      o.track_ensemble = false;
      o.host_provider.migration = zk::MigrationPolicy::kNone;
      if (plan_path != "-") o.plan_path = plan_path;
      o.random_seed = seed + i;
      auto c = zk::BlockingClient::Connect(std::move(o), std::chrono::seconds(15));
      if (!c.ok()) {
        std::fprintf(stderr, "plan_followers: session %llu on %s: %s\n",
                     static_cast<unsigned long long>(i), cs->hosts[h].ToString().c_str(),
                     c.status().message().c_str());
        return 2;
      }
      sessions.push_back(Session{std::move(c).value(), cs->hosts[h]});
    }
  }
  for (auto& s : sessions) {
    zk::Status st = s.client->UpdateServerList(connect);
    if (!st.ok()) {
      std::fprintf(stderr, "plan_followers: UpdateServerList: %s\n", st.message().c_str());
      return 2;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!AllPlaced(sessions)) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "plan_followers: sessions not connected within 30 s\n");
      return 2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("ready\n");
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line == "report") {
      std::printf("%s\n", Report(sessions, cs->hosts).dump().c_str());
    } else {
      std::printf("{\"error\": \"unknown request\"}\n");
    }
    std::fflush(stdout);
  }
  return 0;
}
