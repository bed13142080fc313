// Fuzz target: the model simulator's configuration JSON
// (hostprovider/model_config.h). Invariants for a configuration that parses:
// it serialises to a text that parses again and serialises identically. A
// failure is a kBadArguments error whose message names the model.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/fuzz_check.h"
#include "zk/hostprovider/model_config.h"

using zk::wire::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = zk::ParseModelConfig(text);
  if (!config.ok()) {
    Check(config.status().code() == zk::Error::kBadArguments, "failures are kBadArguments");
    Check(config.status().message().starts_with("model"), "a failure names the model");
    return 0;
  }
  const std::string printed = zk::SerializeModelConfig(*config);
  auto again = zk::ParseModelConfig(printed);
  Check(again.ok(), "the serialised configuration parses");
  Check(zk::SerializeModelConfig(*again) == printed, "parse(serialise(x)) serialises the same");
  return 0;
}
