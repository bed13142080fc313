#include "ensemble.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#ifndef ZK_TESTS_DIR
#error "ZK_TESTS_DIR must be defined by the build"
#endif

namespace zk::test {
namespace {

std::string Run(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *rc = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *rc = pclose(p);
  return out;
}

std::string Script() { return std::string(ZK_TESTS_DIR) + "/interop/zkensemble.py"; }

Ensemble* g_ensemble = nullptr;

void StopAtExit() {
  if (g_ensemble == nullptr || g_ensemble->dir.empty()) return;
  int rc;
  Run(fmt::format("python3 {} stop {} 2>&1", Script(), g_ensemble->dir), &rc);
  std::error_code ec;
  std::filesystem::remove_all(g_ensemble->dir, ec);
}

Ensemble Start() {
  Ensemble e;
  if (!std::filesystem::exists("/usr/share/java/zookeeper.jar")) return e;
  char tmpl[] = "/tmp/zkclient-ens-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return e;
  e.dir = tmpl;
  int rc;
  std::string out =
      Run(fmt::format("python3 {} start {} --servers 3 --tick 500", Script(), e.dir), &rc);
  // Watchdog: stops the ensemble when this process is gone, however it ended.
  std::string watchdog = fmt::format(
      "(while kill -0 {} 2>/dev/null; do sleep 1; done; python3 {} stop {} >/dev/null 2>&1; "
      "rm -rf {}) </dev/null >/dev/null 2>&1 &",
      getpid(), Script(), e.dir, e.dir);
  if (std::system(watchdog.c_str()) != 0) fmt::print(stderr, "ensemble watchdog failed\n");
  if (rc != 0) {
    fmt::print(stderr, "zkensemble start failed: {}\n", out);
    return e;
  }
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) return e;
  e.connect = j["connect"].get<std::string>();
  e.super_auth = j["super"].get<std::string>();
  for (const auto& s : j["servers"]) {
    e.servers.push_back({s["id"].get<int>(), s["client_port"].get<uint16_t>(),
                         s["quorum_port"].get<uint16_t>(), s["election_port"].get<uint16_t>(),
                         s["pid"].get<int>()});
  }
  Run(fmt::format("python3 {} wait {} --timeout 60", Script(), e.dir), &rc);
  e.ok = rc == 0;
  fmt::print(stderr, "# ensemble {} in {} ({})\n", e.connect, e.dir, e.ok ? "ready" : "NOT ready");
  return e;
}

}  // namespace

const Ensemble& SharedEnsemble() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_ensemble = new Ensemble(Start());
    std::atexit(StopAtExit);
  });
  return *g_ensemble;
}

std::string FourLetter(uint16_t port, const std::string& word) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      write(fd, word.data(), word.size()) == static_cast<ssize_t>(word.size())) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

std::string UniquePath(const std::string& stem) {
  static std::atomic<int> counter{0};
  return fmt::format("/{}-{}-{}", stem, getpid(), ++counter);
}

}  // namespace zk::test
