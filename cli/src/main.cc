// zkcli: a ZooKeeper shell compatible with zkCli.sh 3.8, plus commands to
// see and fix client imbalance. See docs/zkcli.md.
//
//   zkcli [-server host[:port][,...][/chroot]] [-timeout ms] [-r]
//         [-client-configuration FILE] [cmd args...]
//
// With a command: runs it and exits (0 ok, 1 failed, 127 unknown command).
// Without: reads commands from stdin (a script, zkCli.sh's "JLine support is
// disabled" mode) or, on a terminal, runs the interactive editor.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "interactive.h"
#include "printer.h"
#include "shell.h"
#include "zk/version.h"

namespace {

// zkCli.sh spells its long options with one dash; CLI11 wants two. Only the
// words before the command are options.
std::vector<std::string> NormaliseArgs(int argc, char** argv) {
  static const char* kLong[] = {"server",  "timeout", "waitforconnection", "client-configuration",
                                "admin",   "history", "interactive",       "plan-path",
                                "admin-auth"};
  std::vector<std::string> out;
  bool in_command = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!in_command && a.size() > 2 && a[0] == '-' && a[1] != '-') {
      for (const char* l : kLong) {
        if (a.substr(1) == l) a = "-" + a;
      }
    }
    if (!in_command && (a.empty() || a[0] != '-')) {
      // The value of the previous option is not the command.
      bool prev_takes_value = !out.empty() && (out.back() == "--server" || out.back() == "--timeout" ||
                                               out.back() == "--client-configuration" ||
                                               out.back() == "--admin" || out.back() == "--history" ||
                                               out.back() == "--admin-auth" ||
                                               out.back() == "--plan-path");
      if (!prev_takes_value) in_command = true;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"zkcli: a ZooKeeper shell compatible with zkCli.sh, with imbalance commands", "zkcli"};
  app.set_version_flag("--version", std::string("zkcli (zkbalance ") + zk::kVersion + ")");
  zk::cli::ShellOptions opts;
  int timeout_ms = 30000;
  bool read_only = false, wait_for_connection = false, force_interactive = false;
  std::string client_configuration;
  const char* home = std::getenv("HOME");
  std::string history_file = std::getenv("ZKCLI_HISTORY") != nullptr ? std::getenv("ZKCLI_HISTORY")
                             : home != nullptr ? std::string(home) + "/.zkcli_history"
                                               : "";
  app.add_option("--server", opts.server,
                 "host[:port][,host[:port]...][/chroot] (port 2181 when omitted; default "
                 "localhost:2181)");
  app.add_option("--timeout", timeout_ms, "session timeout in ms (default 30000)");
  app.add_flag("-r", read_only, "allow read-only servers");
  app.add_flag("--waitforconnection", wait_for_connection, "accepted for zkCli.sh compatibility");
  app.add_option("--client-configuration", client_configuration,
                 "zkCli.sh's client configuration file (Java properties: zookeeper.client.secure, "
                 "zookeeper.ssl.*; docs/zkcli.md)");
  app.add_option("--admin", opts.admin, "admin endpoint host:port for shed/rebalance --shed (zksim: one for all)");
  app.add_option("--admin-auth", opts.admin_auth,
                 "user:password for the admin endpoint's control commands (zksim --admin-auth or "
                 "--super); default: the ZKCLI_ADMIN_AUTH environment variable");
  app.add_option("--history", history_file, "history file of the interactive mode (default ~/.zkcli_history)");
  app.add_option("--plan-path", opts.plan_path, "znode of the rebalance plan (default /zkbalance/plan)");
  app.add_flag("--interactive", force_interactive, "line editing even when stdin is not a terminal");
  if (const char* env = std::getenv("ZKCLI_ADMIN_AUTH"); env != nullptr) opts.admin_auth = env;
  app.prefix_command();
  std::vector<std::string> args = NormaliseArgs(argc, argv);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  opts.timeout = std::chrono::milliseconds(timeout_ms);
  opts.read_only = read_only;
  if (!client_configuration.empty()) {
    auto cfg = zk::LoadClientConfigFile(client_configuration);
    if (!cfg.ok()) {
      std::cerr << "zkcli: -client-configuration " << cfg.status().message() << "\n";
      return 1;
    }
    opts.client_config = std::move(cfg).value();
  }
  std::vector<std::string> command = app.remaining();

  zk::cli::Printer printer(stdout, stderr);
  zk::cli::Shell shell(opts, printer);
  printer.Out("Connecting to " + opts.server + "\n");

  if (!command.empty()) {
    if (!shell.Connect(opts.server)) {
      printer.Err("KeeperErrorCode = ConnectionLoss\n");
      return 1;
    }
    return shell.ExecuteWords(command);
  }

  bool interactive = force_interactive || isatty(STDIN_FILENO);
  printer.Out("Welcome to ZooKeeper!\n");
  if (!interactive) printer.Out("JLine support is disabled\n");
  if (!shell.Connect(opts.server)) {
    printer.Err("Unable to connect to " + opts.server + ": KeeperErrorCode = ConnectionLoss\n");
  }
  if (interactive) return zk::cli::RunInteractive(shell, history_file);
  std::string line;
  while (!shell.quit_requested() && std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    shell.ExecuteLine(line);
  }
  return shell.exit_code();
}
