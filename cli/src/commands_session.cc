// Session and shell commands: connect, close, quit, addauth, whoami,
// printwatches, history, redo, help, version.
#include <fmt/format.h>

#include "command_util.h"
#include "zk/version.h"

namespace zk::cli {
namespace {

CmdResult Connect(Shell& sh, const ParsedArgs& a) {
  std::string server = a.args.empty() ? sh.server() : a.args[0];
  if (!sh.Connect(server)) {
    return CliError{fmt::format("Unable to connect to {}: {}", server,
                                KeeperMessage(Error::kConnectionLoss, std::nullopt))};
  }
  return std::nullopt;
}

CmdResult Close(Shell& sh, const ParsedArgs&) {
  sh.CloseSession();
  return std::nullopt;
}

CmdResult Quit(Shell& sh, const ParsedArgs&) {
  sh.CloseSession();
  sh.RequestQuit();
  return std::nullopt;
}

CmdResult AddAuth(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("addauth scheme auth");
  // A refused credential shows as the AuthFailed session event, as in zkCli.
  Status st = sh.client()->AddAuth(a.args[0], a.args.size() > 1 ? a.args[1] : "");
  if (!st.ok() && st.code() != Error::kAuthFailed) return KeeperError(st, std::nullopt);
  return std::nullopt;
}

CmdResult WhoAmI(Shell& sh, const ParsedArgs&) {
  auto r = sh.client()->WhoAmI();
  if (!r.ok()) return KeeperError(r.status(), std::nullopt);
  std::string out = "Auth scheme: User\n";
  for (const auto& ci : *r) out += fmt::format("{}: {}\n", ci.auth_scheme, ci.user);
  sh.printer().Out(out);
  return std::nullopt;
}

CmdResult PrintWatches(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) {
    sh.printer().Out(fmt::format("printwatches is {}\n", sh.print_watches() ? "on" : "off"));
  } else {
    sh.print_watches() = a.args[0] == "on";
  }
  return std::nullopt;
}

CmdResult History(Shell& sh, const ParsedArgs&) {
  std::string out;
  int n = sh.command_count();
  const auto& h = sh.history();
  // As ZooKeeperMain: entries commandCount-10 .. commandCount, a missing one
  // (one-shot mode records no history) printed as Java prints null.
  for (int i = std::max(0, n - 10); i <= n; ++i) {
    out += fmt::format("{} - {}\n", i, i < static_cast<int>(h.size()) ? h[i] : std::string("null"));
  }
  sh.printer().Out(out);
  return std::nullopt;
}

CmdResult Redo(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) {
    // ZooKeeperMain runs `redo` without a number as a command that does
    // nothing, after its check for a live session.
    if (!sh.Alive()) sh.printer().Out("Not connected\n");
    return std::nullopt;
  }
  auto i = ParseLong(a.args[0]);
  if (!i) return UsageError("redo cmdno");
  if (*i < 0 || *i >= sh.command_count()) return CliError{"Command index out of range"};
  auto words = SplitCommandLine(sh.history()[*i]);
  if (!words.empty() && words[0] == "redo") return CliError{"No redoing redos"};
  int rc = sh.RunHistoryEntry(static_cast<int>(*i));
  // The redone command printed its own error already; keep its exit code.
  return rc == 0 ? CmdResult{} : CmdResult{CliError{"", rc}};
}

CmdResult Help(Shell& sh, const ParsedArgs&) {
  sh.PrintUsage();
  return std::nullopt;
}

CmdResult Version(Shell& sh, const ParsedArgs&) {
  sh.printer().Out(fmt::format("ZooKeeper CLI version: zkcli (zkbalance {}), compatible with zkCli.sh 3.8\n", kVersion));
  return std::nullopt;
}

}  // namespace

void RegisterSessionCommands(std::vector<Command>* out) {
  auto add = [out](std::string name, std::string usage, bool needs_session,
                   CmdResult (*fn)(Shell&, const ParsedArgs&)) {
    out->push_back(Command{std::move(name), std::move(usage), {}, needs_session, fn});
  };
  add("connect", "connect host:port", false, Connect);
  add("close", "close ", true, Close);
  add("quit", "quit ", false, Quit);
  add("addauth", "addauth scheme auth", true, AddAuth);
  add("whoami", "whoami ", true, WhoAmI);
  add("printwatches", "printwatches on|off", false, PrintWatches);
  add("history", "history ", false, History);
  add("redo", "redo cmdno", false, Redo);
  add("help", "help ", false, Help);
  add("version", "version ", false, Version);
}

}  // namespace zk::cli
