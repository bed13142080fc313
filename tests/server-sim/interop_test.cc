// Real clients against zksim: zkCli.sh, kazoo and the C client's cli_mt run
// as subprocesses (with timeouts) against a SimServer on free loopback ports
// whose loop runs in a helper thread. Skipped when a client is missing.
#include <unistd.h>
#include <uv.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <thread>

#include "zk/sim/sim_server.h"

namespace {

class RunningSim {
 public:
  explicit RunningSim(zk::sim::SimOptions o) {
    uv_loop_init(&loop_);
    REQUIRE(sim_.Start(&loop_, o).ok());
    uv_async_init(&loop_, &stop_, [](uv_async_t* a) {
      auto* self = static_cast<RunningSim*>(a->data);
      self->sim_.Stop();
      uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
    });
    stop_.data = this;
    thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }
  ~RunningSim() {
    uv_async_send(&stop_);
    thread_.join();
    CHECK(uv_loop_close(&loop_) == 0);
  }
  std::string connect() const { return sim_.ConnectString(); }
  int admin_port() const { return sim_.AdminPort(); }

 private:
  uv_loop_t loop_;
  uv_async_t stop_;
  zk::sim::SimServer sim_;
  std::thread thread_;
};

std::string Run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

bool Has(const char* path) { return access(path, X_OK) == 0; }

zk::sim::SimOptions Opts() {
  zk::sim::SimOptions o;
  o.super_digest = "super:Wld4W5lcg95+nlyDmUL+CKf8Hmc=";  // super:zkbalance-test
  o.tick_ms = 500;
  return o;
}

}  // namespace

TEST_CASE("interop: zkCli.sh operations, config, reconfig with and without addauth") {
  if (!Has("/usr/share/zookeeper/bin/zkCli.sh")) {
    WARN("zkCli.sh not installed; skipped");
    return;
  }
  RunningSim sim(Opts());
  std::string script =
      "create /a hello\nget /a\ncreate -e /a/eph x\ncreate -s /a/seq- y\nls /a\n"
      "getAcl /zookeeper/config\nconfig -c\nsync /a\nreconfig -remove 1\n"
      "addauth digest super:zkbalance-test\nreconfig -v 1 -remove 1\nreconfig -remove 1\n"
      "getAllChildrenNumber /a\nquit\n";
  std::string out =
      Run("printf '" + script + "' | timeout 60 /usr/share/zookeeper/bin/zkCli.sh -server " +
          sim.connect() + " 2>&1");
  CHECK_THAT(out, Catch::Contains("Created /a\n"));
  CHECK_THAT(out, Catch::Contains("\nhello\n"));
  CHECK_THAT(out, Catch::Contains("Created /a/seq-0000000001"));
  CHECK_THAT(out, Catch::Contains("[eph, seq-0000000001]"));
  CHECK_THAT(out, Catch::Contains("'world,'anyone\n: r"));
  CHECK_THAT(out, Catch::Contains("\n100000000 127.0.0.1:"));
  CHECK_THAT(out, Catch::Contains("Sync is OK"));
  CHECK_THAT(out, Catch::Contains("Insufficient permission : "));
  CHECK_THAT(out, Catch::Contains("version No is not valid : "));
  CHECK_THAT(out, Catch::Contains("Committed new configuration:\nserver.2="));
}

TEST_CASE("interop: kazoo operations, watches, transactions, session survives shed") {
  if (!Has("/usr/bin/python3") || Run("/usr/bin/python3 -c 'import kazoo' 2>&1") != "") {
    WARN("kazoo not installed; skipped");
    return;
  }
  RunningSim sim(Opts());
  std::string out = Run("timeout 60 /usr/bin/python3 " + std::string(ZKSIM_TEST_SRC_DIR) +
                        "/scripts/kazoo_ops.py " + sim.connect() + " 2>&1");
  CHECK_THAT(out, Catch::Contains("txn /k/t1"));
  CHECK_THAT(out, Catch::Contains("txnfail ['RolledBackError', 'BadVersionError']"));
  CHECK_THAT(out, Catch::Contains("events ['CREATED']"));
  CHECK_THAT(out, Catch::Contains("shed Shed 1 connections"));
  CHECK_THAT(out, Catch::Contains("same_session True True"));
  CHECK_THAT(out, Catch::Contains("children ['t1', 'w']"));
  CHECK_THAT(out, Catch::Contains("version (3, 8, 0)"));
}

TEST_CASE("interop: the C client cli_mt") {
  if (!Has("/usr/lib/zookeeper/bin/cli_mt")) {
    WARN("cli_mt not installed; skipped");
    return;
  }
  RunningSim sim(Opts());
  std::string out =
      Run("(sleep 1; echo 'create /c cdata'; sleep 0.5; echo 'get /c'; sleep 0.5; "
          "echo 'ls /'; sleep 0.5; echo quit) | timeout 30 /usr/lib/zookeeper/bin/cli_mt " +
          sim.connect() + " 2>&1");
  CHECK_THAT(out, Catch::Contains("/c"));
  CHECK_THAT(out, Catch::Contains("cdata"));
}

TEST_CASE("interop: zkCli.sh -r on an isolated read-only server (--read-only)") {
  if (!Has("/usr/share/zookeeper/bin/zkCli.sh") || !Has("/usr/bin/curl")) {
    WARN("zkCli.sh or curl not installed; skipped");
    return;
  }
  zk::sim::SimOptions o = Opts();
  o.read_only_enabled = true;
  o.admin_port = 0;
  RunningSim sim(o);
  // The admin endpoint runs on the sim's loop, so the isolation happens there.
  // A control command: the super user's credentials (Opts() --super).
  std::string isolated = Run("curl -s -H 'Authorization: digest super:zkbalance-test' "
                             "'http://127.0.0.1:" + std::to_string(sim.admin_port()) +
                             "/commands/isolate?server=1&on=true'");
  CHECK_THAT(isolated, Catch::Contains("\"error\": null"));
  std::string first = sim.connect().substr(0, sim.connect().find(','));
  std::string out =
      Run("printf 'ls /\ncreate /x\nquit\n' | timeout 60 "
          "/usr/share/zookeeper/bin/zkCli.sh -server " +
          first + " -r 2>&1");
  CHECK_THAT(out, Catch::Contains("state:ConnectedReadOnly"));
  CHECK_THAT(out, Catch::Contains("[zookeeper]"));
  CHECK_THAT(out, Catch::Contains("Not a read-only call: /x"));
}
