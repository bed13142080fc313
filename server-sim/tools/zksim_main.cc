// zksim: a simulated ZooKeeper ensemble. See docs/zksim.md.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <uv.h>

#include "zk/experiments/run_command.h"
#include "fault_timeline.h"
#include "jaas_file.h"
#include "admin_auth.h"
#include "serve_config.h"
#include "sha1.h"
#include "zk/sim/sim_server.h"
#include "zk/version.h"

int main(int argc, char** argv) {
  CLI::App app{"zksim: a simulated ZooKeeper ensemble"};
  app.set_version_flag("--version", std::string("zksim (zkbalance ") + zk::kVersion + ")");
  app.require_subcommand(1);
  auto* serve = app.add_subcommand("serve", "run an ensemble until SIGINT/SIGTERM");
  zk::sim::SimOptions o;
  std::string super_user;
  // ZooKeeper 3.8's default: srvr only (plus isro with --read-only).
  std::string whitelist = "srvr";
  serve->add_option("--servers", o.servers, "number of servers")->check(CLI::Range(1, 255));
  serve->add_option("--host", o.host, "loopback address to bind");
  serve->add_option("--client-port-base", o.client_port_base, "server k listens on P+k-1 (0: free ports)");
  serve->add_option("--admin-port", o.admin_port, "admin HTTP port (0: free port)");
  serve->add_option("--admin-address", o.admin_address,
                    "address the admin endpoint binds (default 127.0.0.1, loopback)");
  std::string admin_auth, admin_auth_file;
  serve->add_option("--admin-auth", admin_auth,
                    "user:password that the admin control commands (shed, kill, start, isolate, "
                    "lag) require (Authorization: digest user:password, or HTTP Basic)");
  serve->add_option("--admin-auth-file", admin_auth_file,
                    "a file whose first line is the user:password of --admin-auth");
  int64_t jute_max_buffer = 0xfffff;
  serve->add_option("--jute-maxbuffer", jute_max_buffer,
                    "jute.maxbuffer: a longer request frame closes its connection "
                    "(default 1048575)")
      ->check(CLI::Range(int64_t{1024}, int64_t{0x7fffffff}));
  size_t max_outstanding = 1000;
  serve->add_option("--max-outstanding", max_outstanding,
                    "globalOutstandingLimit: requests read and unanswered before a connection is "
                    "no longer read (default 1000)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  serve->add_option("--seed", o.seed, "random seed");
  serve->add_option("--tick", o.tick_ms, "tickTime in ms");
  serve->add_option("--super", super_user, "user:password whose digest is the super digest");
  serve->add_option("--4lw-whitelist", whitelist, "comma-separated words, or *");
  bool no_reconfig = false, skip_acl = false;
  serve->add_flag("--no-reconfig", no_reconfig, "reconfigEnabled=false");
  serve->add_flag("--skip-acl", skip_acl, "skipACL=yes");
  serve->add_option("--reconfig-commit-ms", o.reconfig_commit_ms,
                    "a reconfig stays in flight (RECONFIGINPROGRESS) this long, plus voter lag")
      ->check(CLI::Range(0, 600000));
  serve->add_option("--handoff-ms", o.handoff_ms,
                    "unavailability when a reconfig removes the leader")
      ->check(CLI::Range(0, 600000));
  bool extended_types = false, read_only = false;
  serve->add_flag("--extended-types", extended_types,
                  "zookeeper.extendedTypesEnabled=true: TTL nodes");
  serve->add_flag("--read-only", read_only,
                  "readonlymode.enabled=true: servers without a quorum serve read-only clients");
  serve->add_option("--container-check-ms", o.container_check_ms,
                    "znode.container.checkIntervalMs (0: no container/TTL cleanup)")
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  serve->add_option("--container-max-never-used-ms", o.container_max_never_used_ms,
                    "znode.container.maxNeverUsedIntervalMs (0: never)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  std::string timeline_file;
  std::vector<std::string> at_flags;
  serve->add_option("--timeline", timeline_file,
                    "JSON list of fault steps {\"at_ms\", \"action\": kill|start|isolate|heal|lag|shed, ...}");
  serve->add_option("--at", at_flags, "a fault step MS:ACTION:SERVER[:ARG] (repeatable)");
  // TLS and SASL (docs/zksim.md "TLS, x509 and SASL"); they override the
  // config file's ssl.* keys and secureClientPort.
  std::string tls_cert, tls_key, tls_ca, tls_client_auth, sasl_users_file, sasl_section = "Server";
  std::string sasl_super;
  int secure_port_base = -1;
  serve->add_option("--tls-cert", tls_cert, "PEM certificate (chain): every server gets a TLS listener");
  serve->add_option("--tls-key", tls_key, "PEM private key (default: the --tls-cert file)");
  serve->add_option("--tls-ca", tls_ca, "PEM CAs trusted for client certificates");
  serve->add_option("--tls-client-auth", tls_client_auth, "none|want|need (default need)");
  serve->add_option("--secure-port-base", secure_port_base,
                    "server k's TLS port is P+k-1 (0: free ports)");
  serve->add_option("--sasl-users", sasl_users_file,
                    "DIGEST-MD5 users: a JAAS file (its Server section's user_<name>=\"pw\") "
                    "or user=password lines");
  serve->add_option("--sasl-section", sasl_section, "the JAAS section to read (default Server)");
  serve->add_option("--sasl-super-user", sasl_super, "zookeeper.superUser: a SASL user that is super");
  std::string enforce_auth, x509_super;
  serve->add_option("--x509-super-user", x509_super,
                    "X509AuthenticationProvider.superUser: a certificate subject (RFC 2253) "
                    "that is super");
  serve->add_option("--enforce-auth-schemes", enforce_auth,
                    "zookeeper.enforce.auth.schemes, e.g. sasl or sasl,x509: other clients "
                    "get SESSIONCLOSEDREQUIRESASLAUTH");
  std::string config;
  serve->add_option("--config", config,
                    "a ZooKeeper zoo.cfg (split or backward-compatible form); updated on reconfig");
  // run: an experiment scenario (docs/experiments.md).
  auto* run = app.add_subcommand("run", "run a rebalancing experiment scenario");
  zk::experiments::RunOptions ro;
  uint32_t run_clients = 0;
  uint64_t run_seed = 0;
  run->add_option("scenario", ro.scenario,
                  "a scenario JSON file or a built-in name: rolling-restart, paper-5.1, "
                  "grow-shrink, avalanche, imbalanced-start")
      ->required();
  run->add_flag("--model", ro.model, "model clients (hostprovider's simulator), no sockets");
  auto* clients_opt = run->add_option("--clients", run_clients, "number of clients");
  auto* seed_opt = run->add_option("--seed", run_seed, "random seed (default: the scenario's)");
  run->add_option("--json", ro.json_file, "write the results as JSON (- for stdout)");
  run->add_option("--csv", ro.csv_file, "write per-server counts per step as CSV");
  run->add_option("--plot", ro.plot_dir, "write gnuplot data, script, PNG and SVG here");
  run->add_option("--ensemble", ro.ensemble, "host:port,... of a real ZooKeeper ensemble");
  run->add_option("--hook", ro.hook,
                  "with --ensemble: SCRIPT run as SCRIPT kill|start|shed <host:port> <k> ... for "
                  "the steps the client side cannot do");
  run->add_option("--auth", ro.auth,
                  "with --ensemble: user:password (digest) of the operator session, for reconfig");
  bool no_progress = false;
  run->add_flag("--no-progress", no_progress, "no progress bar");
  CLI11_PARSE(app, argc, argv);
  if (run->parsed()) {
    if (clients_opt->count() > 0) ro.clients = run_clients;
    if (seed_opt->count() > 0) ro.seed = run_seed;
    ro.progress = !no_progress;
    return zk::experiments::RunCommand(ro);
  }
  o.four_letter_whitelist.clear();
  size_t pos = 0;
  while (pos <= whitelist.size()) {
    size_t c = whitelist.find(',', pos);
    std::string w = whitelist.substr(pos, c == std::string::npos ? std::string::npos : c - pos);
    if (!w.empty()) o.four_letter_whitelist.insert(w);
    if (c == std::string::npos) break;
    pos = c + 1;
  }
  if (read_only && whitelist != "*") o.four_letter_whitelist.insert("isro");
  o.reconfig_enabled = !no_reconfig;
  o.jute_max_buffer = jute_max_buffer;
  o.max_outstanding = max_outstanding;
  if (!admin_auth.empty() && !admin_auth_file.empty()) {
    fmt::print(stderr, "zksim: give --admin-auth or --admin-auth-file, not both\n");
    return 2;
  }
  if (!admin_auth_file.empty()) {
    std::ifstream in(admin_auth_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      fmt::print(stderr, "zksim: --admin-auth-file {}: cannot read the file\n", admin_auth_file);
      return 2;
    }
    admin_auth = text.str();
    if (admin_auth.empty()) admin_auth = " ";  // refused below as empty
  }
  if (!admin_auth.empty()) {
    auto creds = zk::sim::ParseAdminCredentials(admin_auth);
    if (!creds.ok()) {
      fmt::print(stderr, "zksim: {}: {}\n",
                 admin_auth_file.empty() ? "--admin-auth" : admin_auth_file,
                 creds.status().message());
      return 2;
    }
    o.admin_digest = zk::sim::DigestId(*creds);
  }
  // --config: the file's values; the flags below still win when given.
  std::optional<zk::sim::ServeConfig> serve_config;
  if (!config.empty()) {
    auto loaded = zk::sim::ServeConfig::Load(config, &o);
    if (!loaded.ok()) {
      fmt::print(stderr, "zksim: bad config: {}\n", loaded.status().message());
      return 2;
    }
    serve_config = std::move(*loaded);
    if (no_reconfig) o.reconfig_enabled = false;
    o.on_config_committed = [&serve_config](const std::string& text) {
      zk::Status st = serve_config->OnCommitted(text);
      if (!st.ok()) fmt::print(stderr, "zksim: writing the config files: {}\n", st.ToString());
    };
  }
  if (!tls_cert.empty()) o.tls_cert = tls_cert;
  if (!tls_key.empty()) o.tls_key = tls_key;
  if (!tls_ca.empty()) o.tls_ca = tls_ca;
  if (!tls_client_auth.empty()) o.tls_client_auth = tls_client_auth;
  if (secure_port_base >= 0) o.secure_port_base = secure_port_base;
  if (!o.tls_cert.empty() && o.tls_ca.empty()) {
    fmt::print(stderr, "zksim: TLS needs --tls-ca (ssl.trustStore.location)\n");
    return 2;
  }
  if (!sasl_users_file.empty()) {
    auto users = zk::sim::LoadSaslUsers(sasl_users_file, sasl_section);
    if (!users.ok()) {
      fmt::print(stderr, "zksim: bad --sasl-users: {}\n", users.status().message());
      return 2;
    }
    o.sasl_users = std::move(*users);
  }
  if (!sasl_super.empty()) o.sasl_super_user = sasl_super;
  if (!x509_super.empty()) o.x509_super_user = x509_super;
  if (!enforce_auth.empty()) o.enforce_auth_schemes = zk::sim::SplitSchemes(enforce_auth);
  for (const std::string& s : o.enforce_auth_schemes) {
    if (s != "sasl" && s != "x509" && s != "digest" && s != "ip") {
      fmt::print(stderr, "zksim: enforced auth scheme {} is not available (sasl, x509, digest, ip)\n",
                 s);
      return 2;
    }
  }
  if (skip_acl) o.skip_acl = true;
  if (extended_types) o.extended_types_enabled = true;
  if (read_only) o.read_only_enabled = true;
  if (!super_user.empty()) o.super_digest = zk::sim::DigestId(super_user);
  // The fault timeline: --timeline entries, then --at flags; refused before
  // anything starts when an entry is bad or names no server.
  std::vector<zk::sim::FaultStep> steps;
  if (!timeline_file.empty()) {
    std::ifstream in(timeline_file);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = zk::sim::ParseTimelineJson(text.str());
    if (!in || !parsed.ok()) {
      fmt::print(stderr, "zksim: bad timeline: {}: {}\n", timeline_file,
                 in ? parsed.status().message() : "cannot read the file");
      return 2;
    }
    steps = std::move(*parsed);
  }
  for (const std::string& a : at_flags) {
    auto step = zk::sim::ParseAtFlag(a);
    if (!step.ok()) {
      fmt::print(stderr, "zksim: bad timeline: {}\n", step.status().message());
      return 2;
    }
    steps.push_back(*step);
  }
  std::vector<int64_t> ids;
  for (const auto& m : o.members) ids.push_back(m.id);
  for (int k = 1; o.members.empty() && k <= o.servers; ++k) ids.push_back(k);
  if (zk::Status st = zk::sim::CheckServers(steps, ids); !st.ok()) {
    fmt::print(stderr, "zksim: bad timeline: {}\n", st.message());
    return 2;
  }
  // A server program: zksim serve ignores SIGPIPE for itself, as servers do
  // (its writes use MSG_NOSIGNAL anyway, tcp_write.h). It starts no other
  // program, so nothing inherits the disposition.
  std::signal(SIGPIPE, SIG_IGN);
  uv_loop_t* loop = uv_default_loop();
  zk::sim::SimServer sim;
  zk::Status st = sim.Start(loop, o);
  if (!st.ok()) {
    fmt::print(stderr, "zksim: {}\n", st.ToString());
    return 1;
  }
  if (serve_config) {
    // The first config's version is the last "version=<hex>" of its text.
    std::string text = sim.ConfigText();
    int64_t version = std::stoll(text.substr(text.rfind('=') + 1), nullptr, 16);
    st = serve_config->OnStarted(version);
    if (!st.ok()) fmt::print(stderr, "zksim: splitting {}: {}\n", config, st.ToString());
  }
  fmt::print("connect: {}\n", sim.ConnectString());
  if (sim.AdminPort() >= 0) {
    if (o.admin_address.find(':') == std::string::npos) {
      fmt::print("admin: {}:{}\n", o.admin_address, sim.AdminPort());
    } else {
      fmt::print("admin: [{}]:{}\n", o.admin_address, sim.AdminPort());
    }
  }
  if (!sim.SecureConnectString().empty())
    fmt::print("secure-connect: {}\n", sim.SecureConnectString());
  std::fflush(stdout);
  zk::sim::FaultTimelineRunner timeline(std::move(steps), &sim, [](const std::string& line) {
    fmt::print("{}\n", line);
    std::fflush(stdout);
  });
  timeline.Start(loop);
  uv_signal_t sigint, sigterm;
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  struct Signals {
    zk::sim::SimServer* sim;
    zk::sim::FaultTimelineRunner* timeline;
    uv_signal_t* a;
    uv_signal_t* b;
  } sigs{&sim, &timeline, &sigint, &sigterm};
  sigint.data = sigterm.data = &sigs;
  // Either signal stops the simulator and closes both signal handles, so
  // the loop runs out of handles and returns.
  auto on_signal = [](uv_signal_t* h, int) {
    auto* s = static_cast<Signals*>(h->data);
    s->sim->Stop();
    s->timeline->Stop();
    for (uv_signal_t* x : {s->a, s->b}) {
      if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(x)))
        uv_close(reinterpret_cast<uv_handle_t*>(x), nullptr);
    }
  };
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  uv_run(loop, UV_RUN_DEFAULT);
  // One signal closes only its own handle; close the other one too.
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&sigint)))
    uv_close(reinterpret_cast<uv_handle_t*>(&sigint), nullptr);
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&sigterm)))
    uv_close(reinterpret_cast<uv_handle_t*>(&sigterm), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  return uv_loop_close(loop) == 0 ? 0 : 3;
}
