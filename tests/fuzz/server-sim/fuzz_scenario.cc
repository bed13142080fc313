// Fuzz target: experiment scenario JSON (zksim run). Invariants for a
// scenario that parses: every policy has as many step positions and
// at least one server, each step a known op with a position; each policy's
// options written as a model configuration read back to the same text;
// re-counting the clients keeps initial_counts summing to the new count; each
// typed step, turned into the model's step, is a step or an error value with
// a message.
// A failure is a kBadArguments error naming its origin.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>

#include "formats/fuzz_check.h"
#include "zk/experiments/scenario.h"
#include "zk/hostprovider/model_config.h"

using zk::wire::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = zk::experiments::ParseScenario(text, "fuzz.json");
  if (!s.ok()) {
    Check(s.status().code() == zk::Error::kBadArguments, "failures are kBadArguments");
    Check(s.status().message().starts_with("fuzz.json"), "a failure names the origin");
    return 0;
  }
  for (const auto& p : s->policies) {
    Check(!p.options.servers.empty(), "a policy has servers");
    zk::ModelConfig config{p.options, {}};
    const std::string written = zk::SerializeModelConfig(config);
    auto back = zk::ParseModelConfig(written);
    Check(back.ok(), "a policy's options read back");
    Check(zk::SerializeModelConfig(*back) == written, "options -> JSON -> options is stable");
    for (const auto& step : p.steps) {
      Check(!step.op().empty(), "a typed step names its op");
      auto m = zk::experiments::ToModelStep(step, p.options.servers.front());
      if (!m.ok()) Check(!m.status().message().empty(), "a step error has a message");
    }
  }
  zk::experiments::OverrideClients(&*s, 7);
  for (const auto& p : s->policies) {
    Check(p.options.clients == 7, "the client count is overridden");
    if (!p.options.initial_counts.empty()) {
      const uint64_t sum = std::accumulate(p.options.initial_counts.begin(),
                                           p.options.initial_counts.end(), uint64_t{0});
      Check(sum == 7, "initial counts sum to the client count");
    }
  }
  return 0;
}
