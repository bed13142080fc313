// config and reconfig, with zkCli.sh 3.8's checks, messages and output.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "command_util.h"
#include "zk/wire/client_config.h"
#include "zk/wire/dynamic_config.h"

namespace zk::cli {
namespace {

const char kReconfigUsage[] =
    "reconfig [-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | "
    "[-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

CmdResult Config(Shell& sh, const ParsedArgs& a) {
  auto r = sh.client()->GetConfig(a.Has("w") ? sh.DefaultWatcher(WatchOrigin::kData) : Watcher{});
  if (!r.ok()) return KeeperError(r.status(), "/zookeeper/config");
  std::string out;
  if (a.Has("c")) {
    // zkCli runs without -Dzookeeper.multiAddress.enabled.
    out = wire::ClientConfigString(r->text, {.multi_address_enabled = false}) + "\n";
  } else {
    out = r->text + "\n";
  }
  if (a.Has("s")) out += FormatStat(r->stat);
  sh.printer().Out(out);
  return std::nullopt;
}

CmdResult Reconfig(Shell& sh, const ParsedArgs& a) {
  ReconfigSpec spec;
  if (auto v = a.Value("v")) {
    auto n = ParseLong(*v, 16);
    if (!n) return CliError{"-v must be followed by a long (configuration version)"};
    spec.from_config = *n;
  }
  bool file = a.Has("file"), members = a.Has("members"), add = a.Has("add"), remove = a.Has("remove");
  if ((file || members) && (add || remove)) {
    return CliError{
        "Can't use -file or -members together with -add or -remove (mixing incremental and "
        "non-incremental modes is not allowed)"};
  }
  if (!file && !add && !remove && !members) return UsageError(kReconfigUsage);
  if (file && members) return CliError{"Can't use -file and -members together (conflicting non-incremental modes)"};
  if (add) spec.joining.push_back(Lower(*a.Value("add")));
  if (remove) spec.leaving.push_back(Lower(*a.Value("remove")));
  if (members) spec.new_members.push_back(Lower(*a.Value("members")));
  if (file) {
    std::string path = *a.Value("file");
    std::ifstream in(path);
    if (!in) {
      return CliError{fmt::format("Error processing {}{} ({})", path, path,
                                  errno == ENOENT ? "No such file or directory" : std::strerror(errno))};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto cfg = wire::DynamicConfig::Parse(ss.str());
    if (!cfg.ok()) return CliError{fmt::format("Error processing {}{}", path, cfg.status().message())};
    wire::DynamicConfig c = *cfg;
    c.set_version(0);
    spec.new_members.push_back(c.ToText());
  }
  auto r = sh.client()->Reconfig(std::move(spec));
  if (!r.ok()) return KeeperError(r.status(), "");
  std::string out = "Committed new configuration:\n" + r->text + "\n";
  if (a.Has("s")) out += FormatStat(r->stat);
  sh.printer().Out(out);
  return std::nullopt;
}

}  // namespace

void RegisterConfigCommands(std::vector<Command>* out) {
  out->push_back(Command{"config", "config [-c] [-w] [-s]", {{"c"}, {"w"}, {"s"}}, true, Config});
  out->push_back(Command{"reconfig",
                         kReconfigUsage,
                         {{"s"}, {"v", true}, {"file", true}, {"members", true}, {"add", true}, {"remove", true}},
                         true,
                         Reconfig});
}

}  // namespace zk::cli
