// znode commands with zkCli.sh's syntax and output: ls, get, set, create,
// delete, deleteall, stat, sync, getAcl, setAcl, getEphemerals,
// getAllChildrenNumber, addWatch, removewatches.
#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "command_util.h"

namespace zk::cli {
namespace {

Watcher MaybeWatch(Shell& sh, bool watch, WatchOrigin origin) {
  return watch ? sh.DefaultWatcher(origin) : Watcher{};
}

std::string FormatChildren(std::vector<std::string> children) {
  std::sort(children.begin(), children.end());
  std::string out = "[";
  for (size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out += ", ";
    out += children[i];
  }
  return out + "]\n";
}

std::string Child(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

// Whether a reading command leaves a watch: -w, or zkCli's deprecated
// "<cmd> path watch" (any second word), which it warns about first.
bool WatchWanted(Shell& sh, const ParsedArgs& a, std::string_view cmd, std::string_view new_form) {
  if (a.args.size() < 2) return a.Has("w");
  sh.printer().Err(fmt::format("'{} path [watch]' has been deprecated. Please use '{}' instead.\n", cmd, new_form));
  return true;
}

// The version a writing command checks: -v (Integer.parseInt), else -1
// (any). Not a number: the usage error. zkCli 3.8 reads no version from
// other words: `set path data 7` and `delete path 7` ignore the 7.
CmdResult VersionArg(const ParsedArgs& a, const std::string& usage, int32_t* version) {
  *version = -1;
  auto v = a.Value("v");
  if (!v) return std::nullopt;
  auto n = ParseLong(*v);
  if (!n) return UsageError(usage);
  *version = static_cast<int32_t>(*n);
  return std::nullopt;
}

// `root` and every node below it, breadth first, root first
// (ZKUtil.listSubTreeBFS). With skip_vanished, a node below the root that
// was deleted meanwhile is passed over; otherwise it is the error.
CmdResult ListSubtree(Shell& sh, const std::string& root, bool skip_vanished, std::vector<std::string>* tree) {
  *tree = {root};
  for (size_t i = 0; i < tree->size(); ++i) {
    std::string node = (*tree)[i];
    auto r = sh.client()->GetChildren(node);
    if (!r.ok()) {
      if (skip_vanished && r.status().code() == Error::kNoNode && i > 0) continue;
      return KeeperError(r.status(), node);
    }
    for (const auto& c : r->children) tree->push_back(Child(node, c));
  }
  return std::nullopt;
}

// ZKUtil.visitSubTreeDFS: the node, then each child's subtree.
CmdResult ListRecursive(Shell& sh, const std::string& path, bool watch, std::string* out) {
  auto r = sh.client()->GetChildren(path, MaybeWatch(sh, watch, WatchOrigin::kChild));
  if (!r.ok()) return KeeperError(r.status(), path);
  *out += path + "\n";
  auto children = r->children;
  std::sort(children.begin(), children.end());
  for (const auto& c : children) {
    if (auto e = ListRecursive(sh, Child(path, c), watch, out)) return e;
  }
  return std::nullopt;
}

CmdResult Ls(Shell& sh, const ParsedArgs& a) {
  const std::string usage = "ls [-s] [-w] [-R] path";
  if (a.args.empty()) return UsageError(usage);
  bool watch = WatchWanted(sh, a, "ls", "ls [-w] path");
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  if (a.Has("R")) {
    std::string out;
    auto e = ListRecursive(sh, path, watch, &out);
    sh.printer().Out(out);
    return e;
  }
  auto r = sh.client()->GetChildren(path, MaybeWatch(sh, watch, WatchOrigin::kChild));
  if (!r.ok()) return KeeperError(r.status(), path);
  std::string out = FormatChildren(r->children);
  if (a.Has("s")) out += FormatStat(r->stat);
  sh.printer().Out(out);
  return std::nullopt;
}

CmdResult Get(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("get [-s] [-w] path");
  bool watch = WatchWanted(sh, a, "get", "get [-s] [-w] path");
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  auto r = sh.client()->GetData(path, MaybeWatch(sh, watch, WatchOrigin::kData));
  if (!r.ok()) return KeeperError(r.status(), path);
  // zkCli.sh prints a null znode's data as "null" (GetCommand).
  std::string out = r->data.value_or("null") + "\n";
  if (a.Has("s")) out += FormatStat(r->stat);
  sh.printer().Out(out);
  return std::nullopt;
}

CmdResult Set(Shell& sh, const ParsedArgs& a) {
  const std::string usage = "set [-s] [-v version] path data";
  if (a.args.size() < 2) return UsageError(usage);
  int32_t version = -1;
  if (auto e = VersionArg(a, usage, &version)) return e;
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  auto r = sh.client()->SetData(path, a.args[1], version);
  if (!r.ok()) return KeeperError(r.status(), path);
  if (a.Has("s")) sh.printer().Out(FormatStat(*r));
  return std::nullopt;
}

CmdResult Create(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("create [-s] [-e] [-c] [-t ttl] path [data] [acl]");
  bool e = a.Has("e"), s = a.Has("s"), c = a.Has("c"), t = a.Has("t");
  if (c && (e || s)) {
    return CliError{"-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential."};
  }
  int64_t ttl = 0;
  if (t) {
    auto n = ParseLong(*a.Value("t"));
    if (!n) return CliError{"-t argument must be a long value"};
    ttl = *n;
  }
  if (t && e) return CliError{"TTLs cannot be used with Ephemeral znodes"};
  if (t && c) return CliError{"TTLs cannot be used with Container znodes"};
  CreateMode mode = CreateMode::kPersistent;
  if (e && s) {
    mode = CreateMode::kEphemeralSequential;
  } else if (e) {
    mode = CreateMode::kEphemeral;
  } else if (s) {
    mode = t ? CreateMode::kPersistentSequentialWithTtl : CreateMode::kPersistentSequential;
  } else if (c) {
    mode = CreateMode::kContainer;
  } else if (t) {
    mode = CreateMode::kPersistentWithTtl;
  }
  const std::string& path = a.args[0];
  // A sequential node's path may end with '/' (the suffix is appended).
  if (auto err = CheckPath(s && path.size() > 1 && path.back() == '/' ? path + "1" : path)) return err;
  // As zkCli.sh: without a data argument the node holds null, not "".
  std::optional<std::string> data;
  if (a.args.size() > 1) data = a.args[1];
  std::vector<Acl> acl = wire::OpenAclUnsafe();
  if (a.args.size() > 2) {
    std::vector<std::string> complaints;
    acl = ParseAclList(a.args[2], &complaints);
    for (const auto& m : complaints) sh.printer().Err(m + "\n");
    if (acl.empty()) return CliError{KeeperMessage(Error::kInvalidAcl, std::nullopt)};
  }
  auto r = sh.client()->CreateNode(path, std::move(data), std::move(acl), mode, ttl);
  if (!r.ok()) return KeeperError(r.status(), path);
  sh.printer().Err("Created " + r->path + "\n");
  return std::nullopt;
}

CmdResult Delete(Shell& sh, const ParsedArgs& a) {
  const std::string usage = "delete [-v version] path";
  if (a.args.empty()) return UsageError(usage);
  int32_t version = -1;
  if (a.args.size() >= 2) {
    // DeleteCommand.retainCompatibility warns, then ignores the word.
    sh.printer().Err(
        "'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.\n");
  }
  if (auto e = VersionArg(a, usage, &version)) return e;
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  Status st = sh.client()->Delete(path, version);
  if (!st.ok()) return KeeperError(st, path);
  return std::nullopt;
}

// ZKUtil.deleteRecursive: the subtree breadth first, then deletes from the
// deepest node up, in multis of at most `batch` operations.
CmdResult DeleteAll(Shell& sh, const ParsedArgs& a) {
  const std::string usage = "deleteall path [-b batch size]";
  if (a.args.empty()) return UsageError(usage);
  int64_t batch = 1000;
  if (auto b = a.Value("b")) {
    auto n = ParseLong(*b);
    if (!n || *n <= 0) return UsageError(usage);
    batch = *n;
  }
  const std::string& root = a.args[0];
  if (auto e = CheckPath(root)) return e;
  std::vector<std::string> tree;
  if (auto e = ListSubtree(sh, root, /*skip_vanished=*/true, &tree)) return e;
  std::vector<Op> ops;
  for (auto it = tree.rbegin(); it != tree.rend(); ++it) {
    ops.push_back(Op::Delete(*it));
    if (static_cast<int64_t>(ops.size()) == batch || std::next(it) == tree.rend()) {
      auto r = sh.client()->Multi(std::move(ops));
      ops.clear();
      if (!r.ok()) return CliError{"Failed to delete some node(s) in the subtree!"};
    }
  }
  return std::nullopt;
}

CmdResult StatCmd(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("stat [-w] path");
  bool watch = WatchWanted(sh, a, "stat", "stat [-w] path");
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  auto r = sh.client()->Exists(path, MaybeWatch(sh, watch, WatchOrigin::kData));
  if (!r.ok()) return KeeperError(r.status(), path);
  sh.printer().Out(FormatStat(*r));
  return std::nullopt;
}

CmdResult Sync(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("sync path");
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  Status st = sh.client()->Sync(path);
  if (st.ok()) {
    sh.printer().Out("Sync is OK\n");
  } else {
    sh.printer().Out(fmt::format("Sync has failed. rc={}\n", ErrorCode(st.code())));
  }
  return std::nullopt;
}

CmdResult GetAcl(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("getAcl [-s] path");
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  auto r = sh.client()->GetAcl(path);
  if (!r.ok()) return KeeperError(r.status(), path);
  std::string out;
  for (const auto& acl : r->acl) out += FormatAcl(acl);
  if (a.Has("s")) out += FormatStat(r->stat);
  sh.printer().Out(out);
  return std::nullopt;
}

CmdResult SetAcl(Shell& sh, const ParsedArgs& a) {
  const std::string usage = "setAcl [-s] [-v version] [-R] path acl";
  if (a.args.size() < 2) return UsageError(usage);
  int32_t version = -1;
  if (auto e = VersionArg(a, usage, &version)) return e;
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  std::vector<std::string> complaints;
  std::vector<Acl> acl = ParseAclList(a.args[1], &complaints);
  for (const auto& m : complaints) sh.printer().Err(m + "\n");
  if (acl.empty()) return CliError{KeeperMessage(Error::kInvalidAcl, std::nullopt)};
  if (a.Has("R")) {
    std::vector<std::string> tree;
    if (auto e = ListSubtree(sh, path, /*skip_vanished=*/false, &tree)) return e;
    for (const auto& p : tree) {
      auto r = sh.client()->SetAcl(p, acl, version);
      if (!r.ok()) return KeeperError(r.status(), p);
    }
    return std::nullopt;
  }
  auto r = sh.client()->SetAcl(path, std::move(acl), version);
  if (!r.ok()) return KeeperError(r.status(), path);
  if (a.Has("s")) sh.printer().Out(FormatStat(*r));
  return std::nullopt;
}

CmdResult GetEphemerals(Shell& sh, const ParsedArgs& a) {
  std::string path = a.args.empty() ? "/" : a.args[0];
  if (auto e = CheckPath(path)) return e;
  auto r = sh.client()->GetEphemerals(path);
  if (!r.ok()) return KeeperError(r.status(), path);
  std::string out = "[";
  for (size_t i = 0; i < r->size(); ++i) out += (i ? ", " : "") + (*r)[i];
  sh.printer().Out(out + "]\n");
  return std::nullopt;
}

CmdResult GetAllChildrenNumber(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("getAllChildrenNumber path");
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  auto r = sh.client()->GetAllChildrenNumber(path);
  if (!r.ok()) return KeeperError(r.status(), path);
  sh.printer().Out(fmt::format("{}\n", *r));
  return std::nullopt;
}

CmdResult AddWatch(Shell& sh, const ParsedArgs& a) {
  const std::string usage =
      "addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is "
      "PERSISTENT_RECURSIVE";
  if (a.args.size() != 1) return UsageError(usage);
  AddWatchMode mode = AddWatchMode::kPersistentRecursive;
  if (auto m = a.Value("m")) {
    if (*m == "PERSISTENT") {
      mode = AddWatchMode::kPersistent;
    } else if (*m != "PERSISTENT_RECURSIVE") {
      return UsageError(usage);
    }
  }
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  Status st = sh.client()->AddWatch(path, mode, sh.DefaultWatcher(WatchOrigin::kPersistent));
  if (!st.ok()) return KeeperError(st, path);
  return std::nullopt;
}

CmdResult RemoveWatches(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("removewatches path [-c|-d|-a] [-l]");
  // RemoveWatchesCommand: -c wins over -d, -d over -a; none is -a.
  WatcherKind kind = a.Has("c") ? WatcherKind::kChildren : a.Has("d") ? WatcherKind::kData : WatcherKind::kAny;
  const std::string& path = a.args[0];
  if (auto e = CheckPath(path)) return e;
  // -l (remove locally when the server cannot be asked) is accepted; the SDK
  // always asks the server, and zkcli only runs this with a live session.
  sh.BeginWatchRemoval();
  Status st = sh.client()->RemoveWatches(path, kind);
  bool removed = sh.EndWatchRemoval();
  if (!st.ok()) return KeeperError(st, path);
  // The server may accept a kind of removal the client had no watch of (a
  // 3.8 server takes a recursive watch for -c or -d): zkCli's watch manager
  // then removed nothing locally and says so (ZKWatchManager.removeWatcher).
  if (!removed) return KeeperError(Status(Error::kNoWatcher, ""), path);
  return std::nullopt;
}

}  // namespace

void RegisterNodeCommands(std::vector<Command>* out) {
  auto add = [out](std::string name, std::string usage, std::vector<OptionSpec> opts,
                   CmdResult (*fn)(Shell&, const ParsedArgs&)) {
    out->push_back(Command{std::move(name), std::move(usage), std::move(opts), true, fn});
  };
  add("ls", "ls [-s] [-w] [-R] path", {{"s"}, {"w"}, {"R"}}, Ls);
  add("get", "get [-s] [-w] path", {{"s"}, {"w"}}, Get);
  add("set", "set [-s] [-v version] path data", {{"s"}, {"v", true}}, Set);
  add("create", "create [-s] [-e] [-c] [-t ttl] path [data] [acl]",
      {{"s"}, {"e"}, {"c"}, {"t", true}}, Create);
  add("delete", "delete [-v version] path", {{"v", true}}, Delete);
  add("deleteall", "deleteall path [-b batch size]", {{"b", true}}, DeleteAll);
  add("stat", "stat [-w] path", {{"w"}}, StatCmd);
  add("sync", "sync path", {}, Sync);
  add("getAcl", "getAcl [-s] path", {{"s"}}, GetAcl);
  add("setAcl", "setAcl [-s] [-v version] [-R] path acl", {{"s"}, {"v", true}, {"R"}}, SetAcl);
  add("getEphemerals", "getEphemerals path", {}, GetEphemerals);
  add("getAllChildrenNumber", "getAllChildrenNumber path", {}, GetAllChildrenNumber);
  add("addWatch",
      "addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is "
      "PERSISTENT_RECURSIVE",
      {{"m", true}}, AddWatch);
  add("removewatches", "removewatches path [-c|-d|-a] [-l]", {{"c"}, {"d"}, {"a"}, {"l"}}, RemoveWatches);
}

}  // namespace zk::cli
