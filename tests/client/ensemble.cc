#include <algorithm>
#include "ensemble.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "admin_client.h"

#ifndef ZK_TESTS_DIR
#error "ZK_TESTS_DIR must be defined by the build"
#endif

namespace zk::test {

std::string RunCommand(const std::string& cmd, int* rc) {
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

std::string EnsembleScript() { return std::string(ZK_TESTS_DIR) + "/interop/zkensemble.py"; }

namespace {

Ensemble* g_ensemble = nullptr;
Ensemble* g_no_reconfig = nullptr;

void StopOne(Ensemble* e) {
  if (e == nullptr) return;
  if (e->zksim) {
    // Every server of a zksim ensemble is the one process.
    if (!e->servers.empty() && e->servers[0].pid > 0) {
      kill(e->servers[0].pid, SIGTERM);
      waitpid(e->servers[0].pid, nullptr, 0);
      for (auto& s : e->servers) s.pid = 0;
    }
    return;
  }
  if (e->dir.empty()) return;
  int rc;
  RunCommand(fmt::format("python3 {} stop {} 2>&1", EnsembleScript(), e->dir), &rc);
  std::error_code ec;
  std::filesystem::remove_all(e->dir, ec);
  e->dir.clear();
}

void StopAtExit() {
  StopOne(g_no_reconfig);
  StopOne(g_ensemble);
}

Ensemble Start(const std::string& extra = "") {
  Ensemble e;
  if (!std::filesystem::exists("/usr/share/java/zookeeper.jar")) return e;
  char tmpl[] = "/tmp/zkclient-ens-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return e;
  e.dir = tmpl;
  int rc;
  std::string out = RunCommand(
      fmt::format("python3 {} start {} --servers 3 --tick 500 {}", EnsembleScript(), e.dir, extra),
      &rc);
  // Watchdog: stops the ensemble when this process is gone, however it ended.
  std::string watchdog = fmt::format(
      "(while kill -0 {} 2>/dev/null; do sleep 1; done; python3 {} stop {} >/dev/null 2>&1; "
      "rm -rf {}) </dev/null >/dev/null 2>&1 &",
      getpid(), EnsembleScript(), e.dir, e.dir);
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
  RunCommand(fmt::format("python3 {} wait {} --timeout 60", EnsembleScript(), e.dir), &rc);
  e.ok = rc == 0;
  fmt::print(stderr, "# ensemble {} in {} ({})\n", e.connect, e.dir, e.ok ? "ready" : "NOT ready");
  return e;
}

// The value of "key=" in a four-letter word reply such as `conf`; 0 if absent.
int ConfValue(const std::string& conf, const std::string& key) {
  size_t at = conf.find("\n" + key + "=");
  return at == std::string::npos ? 0 : std::atoi(conf.c_str() + at + key.size() + 2);
}

}  // namespace

// zksim (server-sim/): `zksim serve` in a child process; its first stdout
// line is "connect: h:p,h:p,h:p". All servers share the one process (its pid
// is in every EnsembleServer). zksim never binds quorum/election ports, but
// they are in its configuration (read from `conf`), so reconfig specs can
// name a server exactly as it was. TTL nodes are on (--extended-types), as
// zkensemble.py turns them on for ZooKeeper. `extra`: one more serve flag,
// e.g. "--no-reconfig".
Ensemble StartZksim(const std::string& bin, const char* extra) {
  std::vector<std::string> args;
  if (extra != nullptr) args.emplace_back(extra);
  return StartZksim(bin, args);
}

Ensemble StartZksim(const std::string& bin, const std::vector<std::string>& extra) {
  Ensemble e;
  std::vector<std::string> args = {bin, "serve", "--servers", "3", "--client-port-base", "0",
                                   "--tick", "500", "--super", "super:test", "--4lw-whitelist",
                                   "*", "--extended-types"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const bool tls = std::find(extra.begin(), extra.end(), "--tls-cert") != extra.end();
  e.zksim = true;
  int fds[2];
  if (pipe(fds) != 0) return e;
  pid_t pid = fork();
  if (pid < 0) return e;
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    // zksim logs every closed connection on stderr; keep the TAP log readable.
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  // Watchdog: stops zksim when this process is gone, however it ended.
  std::string watchdog = fmt::format(
      "(while kill -0 {} 2>/dev/null; do sleep 1; done; kill {} 2>/dev/null) "
      "</dev/null >/dev/null 2>&1 &",
      getpid(), pid);
  if (std::system(watchdog.c_str()) != 0) fmt::print(stderr, "zksim watchdog failed\n");
  std::string line;
  char ch;
  while (read(fds[0], &ch, 1) == 1 && ch != '\n') line.push_back(ch);
  // Keep the pipe open (zksim may print more); it is closed at exit.
  const std::string prefix = "connect: ";
  if (line.rfind(prefix, 0) != 0) {
    fmt::print(stderr, "zksim did not start: \"{}\"\n", line);
    return e;
  }
  e.connect = line.substr(prefix.size());
  // With TLS a `secure-connect:` line follows (after `admin:`, if any).
  for (int i = 0; tls && i < 3 && e.secure_connect.empty(); ++i) {
    std::string next;
    while (read(fds[0], &ch, 1) == 1 && ch != '\n') next.push_back(ch);
    const std::string secure = "secure-connect: ";
    if (next.rfind(secure, 0) == 0) e.secure_connect = next.substr(secure.size());
  }
  e.super_auth = "super:test";
  int id = 1;
  size_t start = 0;
  while (start < e.connect.size()) {
    size_t comma = e.connect.find(',', start);
    std::string hp =
        e.connect.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    EnsembleServer s;
    s.id = id++;
    Result<HostPort> address = ParseServerAddress(hp);
    if (!address.ok()) break;  // e.ok stays false (fewer than 3 servers)
    s.client_port = address->port;
    std::string conf = FourLetter(s.client_port, "conf");
    s.quorum_port = static_cast<uint16_t>(ConfValue(conf, "quorumPort"));
    s.election_port = static_cast<uint16_t>(ConfValue(conf, "electionPort"));
    s.pid = pid;
    e.servers.push_back(s);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  e.ok = e.servers.size() == 3;
  for (const auto& s : e.servers) e.ok = e.ok && s.quorum_port != 0 && s.election_port != 0;
  std::string shown;
  for (const std::string& a : extra) shown += " " + a;
  fmt::print(stderr, "# zksim {}{} (pid {}) ({})\n", e.connect, shown, pid,
             e.ok ? "ready" : "NOT ready");
  return e;
}

void StopZksim(Ensemble* e) { StopOne(e); }

OwnEnsemble::OwnEnsemble(const std::string& extra) {
  if (!std::filesystem::exists("/usr/share/java/zookeeper.jar")) return;
  char tmpl[] = "/tmp/zkclient-own-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return;
  dir_ = tmpl;
  int rc = 0;
  std::string out = RunCommand(fmt::format("python3 {} start {} --servers 3 --tick 500 {}",
                                           EnsembleScript(), dir_, extra),
                               &rc);
  // Watchdog (as Start()'s): `stop` reads the pids current at that time.
  std::string watchdog = fmt::format(
      "(while kill -0 {} 2>/dev/null; do sleep 1; done; python3 {} stop {} >/dev/null 2>&1; "
      "rm -rf {}) </dev/null >/dev/null 2>&1 &",
      getpid(), EnsembleScript(), dir_, dir_);
  if (std::system(watchdog.c_str()) != 0) fmt::print(stderr, "# ensemble watchdog failed\n");
  if (rc != 0) {
    fmt::print(stderr, "# zkensemble start failed: {}\n", out);
    return;
  }
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) return;
  connect_ = j["connect"].get<std::string>();
  if (j["super"].is_string()) super_auth_ = j["super"].get<std::string>();  // null: --no-super
  for (const auto& s : j["servers"]) ports_.push_back(s["client_port"].get<uint16_t>());
  if (j.contains("secure_connect")) {
    secure_connect_ = j["secure_connect"].get<std::string>();
    for (const auto& s : j["servers"]) secure_ports_.push_back(s["secure_port"].get<uint16_t>());
  }
  ok_ = WaitServing();
}

OwnEnsemble::~OwnEnsemble() {
  if (dir_.empty()) return;
  int rc;
  RunCommand(fmt::format("python3 {} stop {} 2>&1", EnsembleScript(), dir_), &rc);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string OwnEnsemble::Address(int id) const { return fmt::format("127.0.0.1:{}", port(id)); }

bool OwnEnsemble::WaitServing(int timeout_s) {
  int rc = 0;
  RunCommand(fmt::format("python3 {} wait {} --timeout {}", EnsembleScript(), dir_, timeout_s),
             &rc);
  return rc == 0;
}

bool OwnEnsemble::Do(const char* what, int id) {
  int rc = 0;
  RunCommand(fmt::format("python3 {} {} {} {} 2>&1", EnsembleScript(), what, dir_, id), &rc);
  return rc == 0;
}

bool TargetIsZksim() {
  const char* t = std::getenv("ZK_CLIENT_TARGET");
  return t != nullptr && std::string(t) == "zksim";
}

const Ensemble& SharedEnsemble() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (TargetIsZksim()) {
      const char* bin = std::getenv("ZKSIM_BIN");
      g_ensemble = new Ensemble(bin != nullptr ? StartZksim(bin) : Ensemble{});
      std::atexit(StopAtExit);
      return;
    }
    g_ensemble = new Ensemble(Start());
    std::atexit(StopAtExit);
  });
  return *g_ensemble;
}

const Ensemble& NoReconfigEnsemble() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (TargetIsZksim()) {
      const char* bin = std::getenv("ZKSIM_BIN");
      g_no_reconfig = new Ensemble(bin != nullptr ? StartZksim(bin, "--no-reconfig") : Ensemble{});
    } else {
      g_no_reconfig = new Ensemble(Start("--no-reconfig"));
    }
    static std::once_flag at_exit;
    std::call_once(at_exit, [] { std::atexit([] { StopOne(g_no_reconfig); }); });
  });
  return *g_no_reconfig;
}

std::string FourLetter(uint16_t port, const std::string& word) {
  Result<std::string> answer =
      cli::FourLetter(HostPort{"127.0.0.1", port}, word, std::chrono::seconds(2));
  return answer.ok() ? *answer : "";
}

std::string UniquePath(const std::string& stem) {
  static std::atomic<int> counter{0};
  return fmt::format("/{}-{}-{}", stem, getpid(), ++counter);
}

}  // namespace zk::test
