#include "four_letter.h"

#include <cmath>

#include <fmt/format.h>

namespace zk::sim {
namespace {

std::string Hex(int64_t v) { return fmt::format("{:x}", static_cast<uint64_t>(v)); }

std::string ConnLine(const ServerConnection& c, bool full) {
  std::string s = fmt::format(" /{}:{}[{}](queued={},recved={},sent={}", c.remote_ip(),
                              c.remote_port(), c.closed() ? 0 : 1, c.queued(), c.received,
                              c.sent);
  if (full && c.session_id() != 0) {
    s += fmt::format(",sid=0x{},lop={},est={},to={}", Hex(c.session_id()), c.last_op,
                     c.established_ms, c.timeout_ms);
    if (c.last_cxid >= 0) s += fmt::format(",lcxid=0x{}", Hex(c.last_cxid));
    s += fmt::format(",lzxid=0x{},lresp={},llat={},minlat={},avglat={},maxlat={}",
                     Hex(c.last_zxid), c.last_response_ms, c.last_latency,
                     c.min_latency < 0 ? 0 : c.min_latency,
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
    out += fmt::format("Received: {}\nSent: {}\nConnections: {}\nOutstanding: 0\nZxid: 0x{}\n",
                       st.packets_received, st.packets_sent, ctx.conns.size(),
                       Hex(s->applied_zxid));
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
    out += fmt::format(
        "zk_avg_latency\t{}\nzk_max_latency\t{}\nzk_min_latency\t{}\nzk_packets_received\t{}\n"
        "zk_packets_sent\t{}\nzk_num_alive_connections\t{}\nzk_outstanding_requests\t0\n"
        "zk_znode_count\t{}\nzk_watch_count\t{}\nzk_ephemerals_count\t{}\n"
        "zk_approximate_data_size\t{}\nzk_open_file_descriptor_count\t{}\n"
        "zk_max_file_descriptor_count\t1048576\nzk_global_sessions\t{}\nzk_local_sessions\t0\n"
        "zk_uptime\t{}\nzk_quorum_size\t{}\nzk_auth_failed_count\t0\n"
        "zk_connection_drop_probability\t0.0\n",
        JavaDouble(avg), st.max_latency, st.min_latency < 0 ? 0 : st.min_latency,
        st.packets_received, st.packets_sent, ctx.conns.size(), s->tree.NodeCount(),
        s->watches.TotalWatchCount(), s->tree.EphemeralCount(), s->tree.ApproximateDataSize(),
        ctx.conns.size(), ens.sessions().All().size(),
        ens.clock()->NowMs() - s->started_ms, ens.Quorum().voters.size());
    if (mode == "leader") {
      size_t followers = 0, non_voting = 0, observers = 0;
      for (const auto& [id, o] : ens.servers()) {
        if (id == ctx.server || !o->running || o->isolated) continue;
        Role r = ens.RoleOf(id);
        (r == Role::kParticipant ? followers : r == Role::kObserver ? observers : non_voting)++;
      }
      out += fmt::format(
          "zk_learners\t{}\nzk_synced_followers\t{}\nzk_synced_non_voting_followers\t{}\n"
          "zk_synced_observers\t{}\nzk_pending_syncs\t0\n",
          followers + non_voting + observers, followers + non_voting, non_voting, observers);
    }
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
