// zksim's 4lw texts against captures of a real ZooKeeper 3.8 ensemble
// (tests/server-sim/data/, copied from the reference captures): byte for
// byte where zksim's fields allow, otherwise the same keys in the same order.
#include "four_letter.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "clock.h"
#include "ensemble.h"

namespace {

// The sections of a capture file: "===== word (N bytes) …\n" + N bytes.
std::map<std::string, std::string> Sections(const std::string& file) {
  std::ifstream in(std::string(ZKSIM_TEST_DATA_DIR) + "/" + file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::map<std::string, std::string> out;
  // The byte counts are those of the raw answer; the file may hold it with
  // other line ends, so a section runs to the next header, minus the '\n'
  // the capture tool added after it.
  std::regex head(R"(===== (\w+) \((\d+) bytes\)[^\n]*\n)");
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), head); it != std::sregex_iterator();
       ++it) {
    found.push_back({(*it)[1],
                     {static_cast<size_t>(it->position()),
                      static_cast<size_t>(it->position() + it->length())}});
  }
  for (size_t i = 0; i < found.size(); ++i) {
    size_t start = found[i].second.second;
    size_t end = i + 1 < found.size() ? found[i + 1].second.first : text.size();
    std::string body = text.substr(start, end - start);
    if (!body.empty() && body.back() == '\n') body.pop_back();
    out[found[i].first] = body;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

// The part of each line before `sep` (the whole line if there is none).
std::vector<std::string> Keys(const std::string& text, const std::string& sep) {
  std::vector<std::string> out;
  for (const std::string& l : Lines(text)) out.push_back(l.substr(0, l.find(sep)));
  return out;
}

struct Fixture {
  zk::sim::ManualClock clock;
  zk::sim::Ensemble ens{zk::sim::EnsembleOptions{}, &clock, zk::sim::Ensemble::Hooks{}};
  std::string Text(int64_t server, const std::string& word) {
    zk::sim::FourLetterContext ctx;
    ctx.ens = &ens;
    ctx.server = server;
    ctx.whitelist = {"*"};
    return zk::sim::FourLetterText(ctx, word);
  }
};

}  // namespace

TEST_CASE("4lw: fixed answers are byte for byte ZooKeeper's") {
  auto real = Sections("4lw_leader.txt");
  REQUIRE(real.count("srvr"));
  Fixture f;
  for (const char* w : {"ruok", "isro", "gtmk", "crst", "srst"}) {
    INFO(w);
    CHECK(f.Text(3, w) == real[w]);
  }
}

TEST_CASE("4lw srvr: layout and the fields of a fresh ensemble") {
  auto real = Sections("4lw_leader.txt");
  Fixture f;
  std::string sim = f.Text(3, "srvr");  // the leader, as in the capture
  CHECK(Keys(sim, ":") == Keys(real["srvr"], ":"));
  auto sl = Lines(sim), rl = Lines(real["srvr"]);
  REQUIRE(sl.size() == rl.size());
  for (size_t i = 0; i < sl.size(); ++i) {
    // Counters depend on the traffic; everything else must match exactly.
    if (sl[i].rfind("Received", 0) == 0 || sl[i].rfind("Sent", 0) == 0 ||
        sl[i].rfind("Connections", 0) == 0)
      continue;
    CHECK(sl[i] == rl[i]);
  }
}

TEST_CASE("4lw conf: the same keys in ZooKeeper's order, config lines modulo ports") {
  auto real = Sections("4lw_leader.txt");
  Fixture f;
  std::string sim = f.Text(3, "conf");
  CHECK(Keys(sim, "=") == Keys(real["conf"], "="));
  std::regex port(R"(:\d+)");
  auto sl = Lines(sim), rl = Lines(real["conf"]);
  REQUIRE(sl.size() == rl.size());
  for (size_t i = 0; i < sl.size(); ++i) {
    if (sl[i].rfind("server.", 0) == 0 || sl[i].rfind("version=", 0) == 0) {
      CHECK(std::regex_replace(sl[i], port, ":P") == std::regex_replace(rl[i], port, ":P"));
    }
  }
}

TEST_CASE("4lw envi and mntr: ZooKeeper's key sets") {
  Fixture f;
  auto envi = Sections("envi_conf_follower.txt");
  CHECK(Keys(f.Text(1, "envi"), "=") == Keys(envi["envi"], "="));
  auto mntr = Sections("mntr_leader.txt");
  auto sim_keys = Keys(f.Text(3, "mntr"), "\t");
  auto real_keys = Keys(mntr["mntr"], "\t");
  // Every key, in ZooKeeper's order: the fixture's leader is server 3 with
  // learners 1 and 2, as in the capture (per-learner keys included).
  CHECK(sim_keys.size() == real_keys.size());
  CHECK(sim_keys == real_keys);
  // Values: the figures zksim has, the type of ZooKeeper's idle defaults.
  std::map<std::string, std::string> sim, real;
  for (const std::string& l : Lines(f.Text(3, "mntr")))
    sim[l.substr(0, l.find('\t'))] = l.substr(l.find('\t') + 1);
  for (const std::string& l : Lines(mntr["mntr"]))
    real[l.substr(0, l.find('\t'))] = l.substr(l.find('\t') + 1);
  for (const char* k :
       {"zk_znode_count", "zk_quorum_size", "zk_learners", "zk_synced_followers",
        "zk_synced_observers", "zk_min_proposal_size", "zk_last_client_response_size",
        "zk_watch_count", "zk_ephemerals_count", "zk_global_sessions", "zk_approximate_data_size",
        "zk_avg_latency", "zk_connection_drop_probability"}) {
    INFO(k);
    CHECK(sim[k] == real[k]);
  }
  for (const auto& [k, v] : real) {
    INFO(k);
    CHECK((v.find('.') != std::string::npos) == (sim[k].find('.') != std::string::npos));
  }
  // A follower prints the same order without the leader-only keys.
  auto follower_keys = Keys(f.Text(1, "mntr"), "\t");
  CHECK(follower_keys.size() == real_keys.size() - 37);
  CHECK(std::find(follower_keys.begin(), follower_keys.end(), "zk_learners") ==
        follower_keys.end());
  CHECK(follower_keys[2] == "zk_peer_state");
}
