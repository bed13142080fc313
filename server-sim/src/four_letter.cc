#include "four_letter.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "mntr_keys.h"

namespace zk::sim {
namespace {

std::string Hex(int64_t v) { return fmt::format("{:x}", static_cast<uint64_t>(v)); }

std::string ConnLine(const ServerConnection& c, bool full) {
  std::string s = fmt::format(" /{}:{}[{}](queued={},recved={},sent={}", c.remote_ip(),
                              c.remote_port(), c.closed() ? 0 : 1, c.queued(), c.received, c.sent);
  if (full && c.session_id() != 0) {
    s += fmt::format(",sid=0x{},lop={},est={},to={}", Hex(c.session_id()), c.last_op,
                     c.established_ms, c.timeout_ms);
    if (c.last_cxid >= 0) s += fmt::format(",lcxid=0x{}", Hex(c.last_cxid));
    s += fmt::format(",lzxid=0x{},lresp={},llat={},minlat={},avglat={},maxlat={}", Hex(c.last_zxid),
                     c.last_response_ms, c.last_latency, c.min_latency < 0 ? 0 : c.min_latency,
                     c.count ? c.total_latency / c.count : 0, c.max_latency);
  }
  return s + ")\n";
}

}  // namespace

std::string JavaDouble(double v) {
  double r = std::round(v * 10000.0) / 10000.0;
  std::string s = fmt::format("{}", r);
  if (s.find('.') == std::string::npos && s.find('e') == std::string::npos) s += ".0";
  return s;
}

std::string ModeName(Ensemble& ens, int64_t server) {
  if (const ServerState* s = ens.Server(server); s != nullptr && s->read_only) return "read-only";
  if (ens.members().size() == 1 && ens.options().standalone_enabled) return "standalone";
  if (server == ens.leader()) return "leader";
  if (ens.RoleOf(server) == Role::kObserver) return "observer";
  return "follower";
}

std::string FourLetterText(const FourLetterContext& ctx, const std::string& word) {
  Ensemble& ens = *ctx.ens;
  ServerState* s = ens.Server(ctx.server);
  bool all = ctx.whitelist.count("*") != 0;
  if (word != "srvr" && !all && ctx.whitelist.count(word) == 0) {
    return word + " is not executed because it is not in the whitelist.\n";
  }
  if (word == "ruok") return "imok";
  if (word == "isro") return s->read_only ? "ro" : s->serving ? "rw" : "null";
  const bool serving = s->serving || s->read_only;
  if (!serving && word != "envi" && word != "gtmk") {
    return "This ZooKeeper instance is not currently serving requests\n";
  }
  const ServerStats& st = s->stats;
  std::string mode = ModeName(ens, ctx.server);
  auto latency = [&] {
    double avg = st.count ? double(st.total_latency) / double(st.count) : 0.0;
    return fmt::format("Latency min/avg/max: {}/{}/{}\n", st.min_latency < 0 ? 0 : st.min_latency,
                       JavaDouble(avg), st.max_latency);
  };
  if (word == "srvr" || word == "stat") {
    std::string out = fmt::format("Zookeeper version: {}\n", kZkVersion);
    if (s->read_only) out += "READ-ONLY mode; serving only read-only clients\n";
    if (word == "stat") {
      out += "Clients:\n";
      for (const auto* c : ctx.conns) out += ConnLine(*c, false);
      out += "\n";
    }
    out += latency();
    out +=
        fmt::format("Received: {}\nSent: {}\nConnections: {}\nOutstanding: 0\nZxid: 0x{}\n",
                    st.packets_received, st.packets_sent, ctx.conns.size(), Hex(s->applied_zxid));
    out += fmt::format("Mode: {}\nNode count: {}\n", mode, s->tree.NodeCount());
    if (mode == "leader") out += "Proposal sizes last/min/max: -1/-1/-1\n";
    return out;
  }
  if (word == "cons") {
    std::string out;
    for (const auto* c : ctx.conns) out += ConnLine(*c, true);
    return out + "\n";
  }
  if (word == "conf") {
    const Member* m = nullptr;
    auto it = ens.members().find(ctx.server);
    if (it != ens.members().end()) m = &it->second;
    std::string out = fmt::format(
        "clientPort={}\nsecureClientPort=-1\ndataDir=/tmp/zksim/{}/version-2\ndataDirSize=0\n"
        "dataLogDir=/tmp/zksim/{}/version-2\ndataLogSize=0\ntickTime={}\nmaxClientCnxns=0\n"
        "minSessionTimeout={}\nmaxSessionTimeout={}\nclientPortListenBacklog=-1\nserverId={}\n",
        m ? m->client_port : 0, ctx.server, ctx.server, ens.options().tick_ms,
        ens.sessions().Negotiate(0), ens.sessions().Negotiate(INT32_MAX), ctx.server);
    out += fmt::format(
        "initLimit=10\nsyncLimit=5\nelectionAlg=3\nelectionPort={}\nquorumPort={}\npeerType={}\n",
        m ? m->election_port : 0, m ? m->quorum_port : 0, m && m->observer ? 1 : 0);
    if (s->read_only) return out;  // no membership on a read-only server
    return out + "membership: \n" + ens.ConfigText();
  }
  if (word == "envi") {
    return fmt::format(
        "Environment:\nzookeeper.version={}\nhost.name=localhost\njava.version=17\n"
        "java.vendor=zksim\njava.home=/nonexistent\njava.class.path=\njava.library.path=\n"
        "java.io.tmpdir=/tmp\njava.compiler=<NA>\nos.name=Linux\nos.arch=amd64\n"
        "os.version=6\nuser.name=zksim\nuser.home=/nonexistent\nuser.dir=/\n"
        "os.memory.free=100MB\nos.memory.max=1000MB\nos.memory.total=200MB\n",
        kZkVersion);
  }
  if (word == "wchs") {
    return fmt::format("{} connections watching {} paths\nTotal watches:{}\n",
                       s->watches.DataConnectionCount(), s->watches.DataPathCount(),
                       s->watches.DataWatchCount());
  }
  if (word == "wchp") {
    std::string out;
    for (const auto& [path, conns] : s->watches.DataByPath()) {
      out += path + "\n";
      for (uint64_t c : conns) {
        for (const auto* sc : ctx.conns) {
          if (sc->id() == c) out += fmt::format("\t0x{}\n", Hex(sc->session_id()));
        }
      }
    }
    return out + "\n";
  }
  if (word == "wchc") {
    std::map<int64_t, std::vector<std::string>> by_session;
    for (const auto& [path, conns] : s->watches.DataByPath()) {
      for (uint64_t c : conns) {
        for (const auto* sc : ctx.conns) {
          if (sc->id() == c) by_session[sc->session_id()].push_back(path);
        }
      }
    }
    std::string out;
    for (const auto& [sid, paths] : by_session) {
      out += fmt::format("0x{}\n", Hex(sid));
      for (const auto& p : paths) out += "\t" + p + "\n";
    }
    return out + "\n";
  }
  if (word == "dump") {
    std::string out = "SessionTracker dump:\n";
    out += fmt::format("Global Sessions({}):\n", ens.sessions().All().size());
    for (const auto& [id, se] : ens.sessions().All()) {
      out += fmt::format("0x{}\t{}ms\n", Hex(id), se.timeout_ms);
    }
    const auto& eph = s->tree.AllEphemerals();
    out += fmt::format("ephemeral nodes dump:\nSessions with Ephemerals ({}):\n", eph.size());
    for (const auto& [sid, paths] : eph) {
      out += fmt::format("0x{}:\n", Hex(sid));
      for (const auto& p : paths) out += "\t" + p + "\n";
    }
    out += "Connections dump:\n";
    for (const auto* c : ctx.conns) {
      out += fmt::format("\tip: /{}:{} sessionId: 0x{}\n", c->remote_ip(), c->remote_port(),
                         Hex(c->session_id()));
    }
    return out;
  }
  if (word == "mntr") {
    double avg = st.count ? double(st.total_latency) / double(st.count) : 0.0;
    std::string out = fmt::format("zk_version\t{}\nzk_server_state\t{}\n", kZkVersion, mode);
    // A read-only server is a plain ZooKeeperServer: no zk_peer_state.
    if (mode != "standalone" && mode != "read-only") {
      std::string peer = mode == "leader"     ? "leading - broadcast"
                         : mode == "observer" ? "observing - broadcast"
                                              : "following - broadcast";
      out += fmt::format("zk_peer_state\t{}\n", peer);
    }
    // Every key of ZooKeeper 3.8, in its order (mntr_keys.h); the figures
    // zksim has, the rest at their idle defaults (0, 0.0; -1 for the
    // response and proposal sizes, which zksim does not track).
    size_t local = 0;
    for (const auto& [sid, se] : ens.sessions().All()) local += se.local ? 1 : 0;
    const int64_t uptime = ens.clock()->NowMs() - s->started_ms;
    std::map<std::string, std::string> known = {
        {"ephemerals_count", std::to_string(s->tree.EphemeralCount())},
        {"num_alive_connections", std::to_string(ctx.conns.size())},
        {"avg_latency", JavaDouble(avg)},
        {"max_latency", std::to_string(st.max_latency)},
        {"min_latency", std::to_string(st.min_latency < 0 ? 0 : st.min_latency)},
        {"packets_received", std::to_string(st.packets_received)},
        {"packets_sent", std::to_string(st.packets_sent)},
        {"znode_count", std::to_string(s->tree.NodeCount())},
        {"watch_count", std::to_string(s->watches.TotalWatchCount())},
        {"approximate_data_size", std::to_string(s->tree.ApproximateDataSize())},
        {"open_file_descriptor_count", std::to_string(ctx.conns.size())},
        {"max_file_descriptor_count", "1048576"},
        {"global_sessions", std::to_string(ens.sessions().All().size() - local)},
        {"local_sessions", std::to_string(local)},
        {"uptime", std::to_string(uptime)},
        {"quorum_size", std::to_string(ens.Quorum().voters.size())},
        {"connection_drop_probability", "0.0"},
        {"last_client_response_size", "-1"},
        {"min_client_response_size", "-1"},
        {"max_client_response_size", "-1"},
        {"last_proposal_size", "-1"},
        {"min_proposal_size", "-1"},
        {"max_proposal_size", "-1"},
    };
    std::vector<int64_t> learners;
    if (mode == "leader") {
      size_t followers = 0, non_voting = 0, observers = 0;
      for (const auto& [id, o] : ens.servers()) {
        if (id == ctx.server || !o->running || o->isolated) continue;
        learners.push_back(id);
        Role r = ens.RoleOf(id);
        (r == Role::kParticipant ? followers : r == Role::kObserver ? observers : non_voting)++;
      }
      known["learners"] = std::to_string(learners.size());
      known["synced_followers"] = std::to_string(followers + non_voting);
      known["synced_non_voting_followers"] = std::to_string(non_voting);
      known["synced_observers"] = std::to_string(observers);
      known["leader_uptime"] = std::to_string(uptime);  // not when it was elected
    }
    out += MntrLines(mode == "leader", learners, known);
    return out;
  }
  if (word == "dirs") return "datadir_size: 0\nlogdir_size: 0\n";
  if (word == "crst") return "Connection stats reset.\n";
  if (word == "srst") {
    s->stats.Reset();
    return "Server stats reset.\n";
  }
  if (word == "gtmk") return "306";
  if (word == "hash") return "";
  return "";
}

}  // namespace zk::sim
