// Fuzz target: zoo.cfg. Invariants for a file that parses: the static rewrite
// lists the same lines in Java and in file order and ends with the new
// dynamicConfigFile line; a backward-compatible file splits (unless its
// static client address contradicts the server line) into a dynamic file
// that reads back to its dynamic section.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "text_lines.h"
#include "zk/wire/zoo_cfg.h"

using zk::wire::fuzz::Check;
using zk::wire::testing::SortedLines;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using zk::wire::StaticKeyOrder;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cfg = zk::wire::ZooCfg::Parse(text);
  if (!cfg.ok()) {
    zk::wire::fuzz::CheckFailure(cfg.status());
    return 0;
  }
  (void)cfg->CheckComplete();
  for (bool erase : {false, true}) {
    const std::string java = cfg->RewriteStatic("/conf/zoo.cfg.dynamic.1", erase);
    const std::string file =
        cfg->RewriteStatic("/conf/zoo.cfg.dynamic.1", erase, StaticKeyOrder::kFile);
    Check(SortedLines(java) == SortedLines(file), "both orders list the same lines");
    Check(java.ends_with("dynamicConfigFile=/conf/zoo.cfg.dynamic.1\n"), "the pointer comes last");
  }
  if (!cfg->has_dynamic_section()) return 0;
  const int64_t my_id = cfg->dynamic_section().Servers().front()->id;
  auto split = cfg->SplitBackwardCompatible("/conf/zoo.cfg", my_id, 0x100000000);
  if (!split.ok()) {
    zk::wire::fuzz::CheckFailure(split.status());
    return 0;
  }
  zk::wire::DynamicConfigOptions options;
  options.standalone_enabled = cfg->standalone_enabled();
  auto dynamic =
      zk::wire::DynamicConfig::ParseDynamicFile(split->dynamic_text, 0x100000000, options);
  Check(dynamic.ok(), "the split dynamic file parses");
  zk::wire::DynamicConfig expected = cfg->dynamic_section();
  expected.set_version(0x100000000);
  Check(*dynamic == expected, "the split dynamic file holds the dynamic section");
  return 0;
}
