// Issue 12, items 4 and 5, against the shared ensemble (real ZooKeeper 3.8,
// or zksim in `client-zksim`): connect strings without ports, and host names
// resolved at every attempt with every address tried. Both targets listen on
// 127.0.0.1 only. Nothing here listens on or connects to port 2181: the
// default port is checked through the resolver seam, which maps "name:2181"
// to a server's real port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "local_port.h"
#include "test_util.h"

using namespace zk::test;

namespace {

void ExpectWorks(LoopRunner& lr, zk::Client& c) {
  Wait<zk::Stat> w;
  REQUIRE(c.Exists("/", {}, w.cb()).ok());
  RUN_OK(lr, w);
  CHECK(w.r->ok());
}

}  // namespace

TEST_CASE("connect string without ports (item 4): names default to port 2181",
          "[host-names][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("no ensemble: skipped");
    return;
  }
  LoopRunner lr;
  std::vector<zk::HostPort> asked;
  auto o = Options("zk-a, zk-b ,zk-c");  // no ports
  o.resolver = [&](const zk::HostPort& h) -> zk::Result<std::vector<zk::HostPort>> {
    asked.push_back(h);
    const std::map<std::string, size_t> index = {{"zk-a", 0}, {"zk-b", 1}, {"zk-c", 2}};
    if (h.port != 2181 || index.count(h.host) == 0) {
      return zk::Status(zk::Error::kConnectionLoss, "unknown " + h.ToString());
    }
    return std::vector<zk::HostPort>{{"127.0.0.1", ens.servers[index.at(h.host)].client_port}};
  };
  auto c = ConnectWith(lr, o);
  ExpectWorks(lr, *c);
  REQUIRE_FALSE(asked.empty());
  for (const auto& h : asked) CHECK(h.port == 2181);
  REQUIRE(c->current_server().has_value());
  CHECK(c->current_server()->port == 2181);  // the server as the connect string names it
  // UpdateServerList takes the same forms (the same servers: nobody moves).
  CHECK(c->UpdateServerList("zk-c,zk-b,zk-a").ok());
  CHECK(c->UpdateServerList("zk-a,zk-b:,zk-c").ok());  // a trailing ':' is the default too
  ExpectWorks(lr, *c);
  CloseClient(lr, c);
}

TEST_CASE("host names (item 5): localhost:port connects to a server on 127.0.0.1",
          "[host-names][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("no ensemble: skipped");
    return;
  }
  for (uint64_t seed : {1, 2, 3, 4}) {
    INFO("seed " << seed);
    LoopRunner lr;
    auto o = Options(fmt::format("localhost:{}", ens.servers[0].client_port));
    o.random_seed = seed;
    auto c = ConnectWith(lr, o);  // the system resolver, every family it answers
    ExpectWorks(lr, *c);
    CHECK(c->current_server() == zk::HostPort{"localhost", ens.servers[0].client_port});
    CloseClient(lr, c);
  }
}

TEST_CASE("host names (item 5): a name with three addresses, two of them refusing",
          "[host-names][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("no ensemble: skipped");
    return;
  }
  LocalPort dead("127.0.0.1", false);  // refuses connects
  REQUIRE(dead.port() != 0);
  const uint16_t live = ens.servers[1].client_port;
  size_t most_failures = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    LoopRunner lr;
    std::vector<std::string> lines;
    int calls = 0;
    auto o = Options("zk-multi");  // port 2181 by default, mapped below
    o.random_seed = seed;
    o.logger = std::make_shared<zk::Logger>(
        [&](zk::LogLevel, std::string_view line) { lines.emplace_back(line); },
        zk::LogLevel::kDebug);
    // 127.0.0.1 on a refusing port, [::1] where nothing listens (the server
    // is bound to 127.0.0.1 only), then the server.
    o.resolver = [&](const zk::HostPort& h) -> zk::Result<std::vector<zk::HostPort>> {
      CHECK(h == zk::HostPort{"zk-multi", 2181});
      ++calls;
      return std::vector<zk::HostPort>{
          {"127.0.0.1", dead.port()}, {"::1", live}, {"127.0.0.1", live}};
    };
    auto c = ConnectWith(lr, o);
    ExpectWorks(lr, *c);
    CHECK(calls == 1);  // one attempt reached the server, whatever the order
    for (const std::string& l : lines) {
      if (l.rfind("connected after trying: ", 0) != 0) continue;
      most_failures = std::max<size_t>(most_failures, 1 + std::count(l.begin(), l.end(), ';'));
    }
    CloseClient(lr, c);
  }
  CHECK(most_failures == 2);  // some seed put the server last
}

TEST_CASE("host names (item 5): a name is resolved again at every connection attempt",
          "[host-names][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("no ensemble: skipped");
    return;
  }
  LocalPort dead("127.0.0.1", false);  // refuses connects
  REQUIRE(dead.port() != 0);
  LoopRunner lr;
  int calls = 0;
  auto o = Options("zk-moving:2182");
  o.logger = zk::Logger::Null();
  // The name's record changes after the first answer: a cached address
  // would never reach the server.
  o.resolver = [&](const zk::HostPort& h) -> zk::Result<std::vector<zk::HostPort>> {
    CHECK(h == zk::HostPort{"zk-moving", 2182});
    ++calls;
    if (calls == 1) return std::vector<zk::HostPort>{{"127.0.0.1", dead.port()}};
    return std::vector<zk::HostPort>{{"127.0.0.1", ens.servers[2].client_port}};
  };
  auto c = ConnectWith(lr, o);
  ExpectWorks(lr, *c);
  CHECK(calls == 2);
  CHECK(c->connect_count() == 1);
  CloseClient(lr, c);
}
