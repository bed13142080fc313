// Quota commands with zkCli.sh 3.8's syntax, checks and output: setquota,
// listquota, delquota. Quotas live in /zookeeper/quota/<path>/
// zookeeper_limits (the limits) and zookeeper_stats (what the server
// counts); the texts are QuotaStats (quota_stats.h).
#include <fmt/format.h>

#include "command_util.h"
#include "quota_stats.h"

namespace zk::cli {
namespace {

constexpr std::string_view kQuotaRoot = "/zookeeper/quota";
constexpr std::string_view kLimitNode = "zookeeper_limits";
constexpr std::string_view kStatNode = "zookeeper_stats";

std::string QuotaPath(const std::string& path) { return std::string(kQuotaRoot) + path; }
std::string LimitPath(const std::string& path) {
  return QuotaPath(path) + "/" + std::string(kLimitNode);
}
std::string StatPath(const std::string& path) {
  return QuotaPath(path) + "/" + std::string(kStatNode);
}

// The options of setquota/delquota form one commons-cli OptionGroup: at
// most one may be given (AlreadySelectedException names the first two).
std::optional<CliError> OneOfGroup(const ParsedArgs& a, std::string* chosen) {
  chosen->clear();
  for (const char* o : {"n", "b", "N", "B"}) {
    if (!a.Has(o)) continue;
    if (!chosen->empty()) {
      return CliError{fmt::format(
          "org.apache.commons.cli.AlreadySelectedException: The option '{}' was specified but an "
          "option from this group has already been selected: '{}'",
          o, *chosen)};
    }
    *chosen = o;
  }
  return std::nullopt;
}

Result<QuotaStats> ReadStats(Shell& sh, const std::string& znode) {
  auto d = sh.client()->GetData(znode);
  if (!d.ok()) return d.status();
  return QuotaStats::Parse(d->data.value_or(""));
}

// SetQuotaCommand.checkIfParentQuota: no ancestor of `path` may have a quota.
CmdResult CheckParents(Shell& sh, const std::string& path) {
  std::string quota_path(kQuotaRoot);
  size_t pos = 1;
  while (true) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) return std::nullopt;  // the last element is the node itself
    quota_path += "/" + path.substr(pos, slash - pos);
    pos = slash + 1;
    auto r = sh.client()->GetChildren(quota_path);
    if (!r.ok()) {
      if (r.status().code() == Error::kNoNode) return std::nullopt;
      return KeeperError(r.status(), quota_path);
    }
    if (r->children.empty()) return std::nullopt;
    for (const auto& c : r->children) {
      if (c == kLimitNode && quota_path != QuotaPath(path)) {
        return CliError{fmt::format("{} has a parent {} which has a quota", path,
                                    quota_path.substr(kQuotaRoot.size()))};
      }
    }
  }
}

// SetQuotaCommand.checkIfChildQuota: no node below `path` may have a quota
// (its quota subtree, depth first).
CmdResult CheckChildren(Shell& sh, const std::string& path, const std::string& node) {
  auto r = sh.client()->GetChildren(node);
  if (!r.ok()) {
    if (r.status().code() == Error::kNoNode) return std::nullopt;
    return KeeperError(r.status(), node);
  }
  for (const auto& c : r->children) {
    if (node != QuotaPath(path) && c == kLimitNode) {
      return CliError{
          fmt::format("{} has a child {} which has a quota", path, node.substr(kQuotaRoot.size()))};
    }
  }
  for (const auto& c : r->children) {
    if (auto e = CheckChildren(sh, path, node + "/" + c)) return e;
  }
  return std::nullopt;
}

void WarnBelowUsage(Shell& sh, const QuotaStats& quota, const QuotaStats& stats) {
  auto below = [](int64_t limit, int64_t used) { return limit > -1 && limit < used; };
  int64_t count = stats.Get(QuotaStats::kCount), bytes = stats.Get(QuotaStats::kBytes);
  if (below(quota.Get(QuotaStats::kCount), count) ||
      below(quota.Get(QuotaStats::kCountHardLimit), count)) {
    sh.printer().Out(fmt::format(
        "[Warning]: the count quota you create is less than the existing count:{}\n", count));
  }
  if (below(quota.Get(QuotaStats::kBytes), bytes) ||
      below(quota.Get(QuotaStats::kByteHardLimit), bytes)) {
    sh.printer().Out(fmt::format(
        "[Warning]: the bytes quota you create is less than the existing bytes:{}\n", bytes));
  }
}

Status CreateIfMissing(Shell& sh, const std::string& znode, std::optional<std::string> data) {
  auto e = sh.client()->Exists(znode);
  if (e.ok()) return Status();
  if (e.status().code() != Error::kNoNode) return e.status();
  auto r = sh.client()->CreateNode(znode, std::move(data));
  if (r.ok() || r.status().code() == Error::kNodeExists) return Status();
  return r.status();
}

CmdResult SetQuota(Shell& sh, const ParsedArgs& a) {
  const std::string usage = "setquota -n|-b|-N|-B val path";
  std::string opt;
  if (auto e = OneOfGroup(a, &opt)) return e;
  if (opt.empty()) {
    return CliError{
        "org.apache.commons.cli.MissingOptionException: Missing required option: [-n num soft "
        "quota, -b "
        "bytes soft quota, -N num hard quota, -B bytes hard quota]"};
  }
  if (a.args.empty()) return UsageError(usage);
  const std::string& path = a.args[0];
  if (path.rfind(kQuotaRoot, 0) == 0) {
    sh.printer().Err(fmt::format("cannot set a quota under the path: {}\n", kQuotaRoot));
    return std::nullopt;
  }
  QuotaStats quota;
  for (auto key : {QuotaStats::kCount, QuotaStats::kBytes, QuotaStats::kCountHardLimit,
                   QuotaStats::kByteHardLimit}) {
    quota.Set(key, -1);
  }
  // checkOptionValue: counts are ints > 0, bytes longs >= 0.
  auto n = ParseLong(*a.Value(opt));
  bool is_count = opt == "n" || opt == "N";
  if (!n || (is_count && (*n < INT32_MIN || *n > INT32_MAX))) {
    sh.printer().Err("NumberFormatException happens when parsing the option value\n");
    return std::nullopt;
  }
  if (is_count && *n <= 0) {
    sh.printer().Err("the num quota must be greater than zero\n");
    return std::nullopt;
  }
  if (!is_count && *n < 0) {
    sh.printer().Err("the bytes quota must be greater than or equal to zero\n");
    return std::nullopt;
  }
  std::string_view key = opt == "n"   ? QuotaStats::kCount
                         : opt == "b" ? QuotaStats::kBytes
                         : opt == "N" ? QuotaStats::kCountHardLimit
                                      : QuotaStats::kByteHardLimit;
  quota.Set(key, *n);

  if (auto e = CheckPath(path)) return e;
  auto exists = sh.client()->Exists(path);
  if (!exists.ok()) {
    if (exists.status().code() == Error::kNoNode) return CliError{path + " does not exist."};
    return KeeperError(exists.status(), path);
  }
  if (auto e = CheckChildren(sh, path, QuotaPath(path))) return e;
  if (auto e = CheckParents(sh, path)) return e;
  for (const std::string& p : {std::string("/zookeeper"), std::string(kQuotaRoot)}) {
    if (Status st = CreateIfMissing(sh, p, std::nullopt); !st.ok()) return KeeperError(st, p);
  }
  std::string quota_path(kQuotaRoot);
  for (size_t pos = 1; pos <= path.size();) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    quota_path += "/" + path.substr(pos, slash - pos);
    pos = slash + 1;
    if (Status st = CreateIfMissing(sh, quota_path, std::nullopt); !st.ok()) {
      return KeeperError(st, quota_path);
    }
  }
  const std::string limit = LimitPath(path), stat = StatPath(path);
  auto have = sh.client()->Exists(limit);
  if (!have.ok() && have.status().code() != Error::kNoNode)
    return KeeperError(have.status(), limit);
  if (!have.ok()) {
    auto c = sh.client()->CreateNode(limit, quota.ToString());
    if (!c.ok()) return KeeperError(c.status(), limit);
    QuotaStats zero;
    zero.Set(QuotaStats::kCount, 0);
    zero.Set(QuotaStats::kBytes, 0);
    c = sh.client()->CreateNode(stat, zero.ToString());
    if (!c.ok()) return KeeperError(c.status(), stat);
    auto q = ReadStats(sh, limit);
    if (!q.ok()) return KeeperError(q.status(), limit);
    auto s = ReadStats(sh, stat);
    if (!s.ok()) return KeeperError(s.status(), stat);
    WarnBelowUsage(sh, *q, *s);
    return std::nullopt;
  }
  auto q = ReadStats(sh, limit);
  if (!q.ok()) return KeeperError(q.status(), limit);
  if (quota.Get(key) > -1) q->Set(key, quota.Get(key));
  auto s = ReadStats(sh, stat);
  if (!s.ok()) return KeeperError(s.status(), stat);
  WarnBelowUsage(sh, *q, *s);
  auto w = sh.client()->SetData(limit, q->ToString());
  if (!w.ok()) return KeeperError(w.status(), limit);
  return std::nullopt;
}

CmdResult ListQuota(Shell& sh, const ParsedArgs& a) {
  if (a.args.empty()) return UsageError("listquota path");
  const std::string& path = a.args[0];
  sh.printer().Err("absolute path is " + LimitPath(path) + "\n");
  std::string out;
  for (const auto& [znode, what] :
       {std::pair{LimitPath(path), "quota"}, std::pair{StatPath(path), "stat"}}) {
    if (auto e = CheckPath(znode)) return e;
    auto d = sh.client()->GetData(znode);
    if (!d.ok()) {
      if (d.status().code() == Error::kNoNode) {
        sh.printer().Out(out);
        sh.printer().Err(fmt::format("quota for {} does not exist.\n", path));
        return std::nullopt;
      }
      return KeeperError(d.status(), znode);
    }
    auto st = QuotaStats::Parse(d->data.value_or(""));
    if (!st.ok()) return CliError{st.status().message()};
    out += fmt::format("Output {} for {} {}\n", what, path, st->ToString());
  }
  sh.printer().Out(out);
  return std::nullopt;
}

// DelQuotaCommand.trimProcQuotas: removes empty quota nodes upwards.
Status TrimEmpty(Shell& sh, const std::string& node) {
  if (node == kQuotaRoot) return Status();
  auto r = sh.client()->GetChildren(node);
  if (!r.ok()) return r.status();
  if (!r->children.empty()) return Status();
  if (Status st = sh.client()->Delete(node); !st.ok()) return st;
  return TrimEmpty(sh, node.substr(0, node.rfind('/')));
}

CmdResult DelQuota(Shell& sh, const ParsedArgs& a) {
  std::string opt;
  if (auto e = OneOfGroup(a, &opt)) return e;
  if (a.args.empty()) return UsageError("delquota [-n|-b|-N|-B] path");
  const std::string& path = a.args[0];
  const std::string limit = LimitPath(path);
  if (auto e = CheckPath(limit)) return e;
  auto have = sh.client()->Exists(limit);
  if (!have.ok()) {
    if (have.status().code() != Error::kNoNode) return KeeperError(have.status(), limit);
    sh.printer().Out(fmt::format("Quota does not exist for {}\n", path));
    return std::nullopt;
  }
  auto q = ReadStats(sh, limit);
  if (!q.ok()) {
    if (q.status().code() == Error::kNoNode) {
      sh.printer().Err(fmt::format("quota for {} does not exist.\n", path));
      return std::nullopt;
    }
    return KeeperError(q.status(), limit);
  }
  if (opt.empty()) {
    const std::string parent = QuotaPath(path);
    auto ch = sh.client()->GetChildren(parent);
    if (!ch.ok()) return KeeperError(ch.status(), parent);
    for (const auto& c : ch->children) {
      if (Status st = sh.client()->Delete(parent + "/" + c); !st.ok())
        return KeeperError(st, parent + "/" + c);
    }
    if (Status st = TrimEmpty(sh, parent); !st.ok()) return KeeperError(st, parent);
    return std::nullopt;
  }
  std::string_view key = opt == "n"   ? QuotaStats::kCount
                         : opt == "b" ? QuotaStats::kBytes
                         : opt == "N" ? QuotaStats::kCountHardLimit
                                      : QuotaStats::kByteHardLimit;
  q->Set(key, -1);
  auto w = sh.client()->SetData(limit, q->ToString());
  if (!w.ok()) return KeeperError(w.status(), limit);
  return std::nullopt;
}

}  // namespace

void RegisterQuotaCommands(std::vector<Command>* out) {
  out->push_back(Command{"setquota",
                         "setquota -n|-b|-N|-B val path",
                         {{"n", true}, {"b", true}, {"N", true}, {"B", true}},
                         true,
                         SetQuota});
  out->push_back(Command{"listquota", "listquota path", {}, true, ListQuota});
  out->push_back(Command{
      "delquota", "delquota [-n|-b|-N|-B] path", {{"n"}, {"b"}, {"N"}, {"B"}}, true, DelQuota});
}

}  // namespace zk::cli
