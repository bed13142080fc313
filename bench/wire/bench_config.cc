// Text formats of dynamic reconfiguration: parse and print a 100-server
// dynamic config (the size of a large ensemble with observers), and the
// smaller pieces a client handles on every config change.
//
//   build/bench/wire/bench_config [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <string>

#include "zk/wire/client_config.h"
#include "zk/wire/connect_string.h"
#include "zk/wire/dynamic_config.h"
#include "zk/wire/server_spec.h"

namespace zk::wire {
namespace {

// 100 servers as ZooKeeper writes /zookeeper/config: every fourth an
// observer, client addresses on the same hosts.
std::string HundredServers() {
  std::string text;
  for (int id = 1; id <= 100; ++id) {
    text += fmt::format("server.{0}=10.0.{1}.{2}:2888:3888:{3};10.0.{1}.{2}:2181\n", id, id / 250,
                        id % 250, id % 4 == 0 ? "observer" : "participant");
  }
  return text + "version=100000000";
}

void BM_ParseDynamicConfig100(benchmark::State& state) {
  const std::string text = HundredServers();
  for (auto _ : state) {
    auto cfg = DynamicConfig::Parse(text);
    benchmark::DoNotOptimize(cfg);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseDynamicConfig100);

void BM_PrintDynamicConfig100(benchmark::State& state) {
  const DynamicConfig cfg = *DynamicConfig::Parse(HundredServers());
  for (auto _ : state) {
    std::string text = cfg.ToText();
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_PrintDynamicConfig100);

void BM_DynamicFileText100(benchmark::State& state) {
  const DynamicConfig cfg = *DynamicConfig::Parse(HundredServers());
  for (auto _ : state) {
    std::string text = cfg.ToDynamicFileText();
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_DynamicFileText100);

// What a client does on every NodeDataChanged of /zookeeper/config.
void BM_ClientConfigFromData100(benchmark::State& state) {
  const std::string text = HundredServers();
  for (auto _ : state) {
    auto cc = ParseClientConfig(ClientConfigString(text));
    benchmark::DoNotOptimize(cc);
  }
}
BENCHMARK(BM_ClientConfigFromData100);

void BM_ParseServerLine(benchmark::State& state) {
  for (auto _ : state) {
    auto s = ParseServerLine("server.4=[::1]:2884:3884:observer;[::1]:2194");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_ParseServerLine);

void BM_ParseConnectString5(benchmark::State& state) {
  const std::string text = "zk1:2181,zk2:2181,zk3:2181,[::1]:2181,10.0.0.5:2181/app";
  for (auto _ : state) {
    auto cs = ParseConnectString(text);
    benchmark::DoNotOptimize(cs);
  }
}
BENCHMARK(BM_ParseConnectString5);

}  // namespace
}  // namespace zk::wire

BENCHMARK_MAIN();
