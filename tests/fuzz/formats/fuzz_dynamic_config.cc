// Fuzz target: dynamic config text (/zookeeper/config data, reconfig -file).
// Invariants for a config that parses:
//  * ToText() parses again to an equal config (same members, groups,
//    weights, version) with the same lines (their order may differ: it is
//    the order of a freshly built Java map);
//  * the dynamic-file text parses back (ParseDynamicFile) to the same
//    members, and the next-file text keeps the version;
//  * `config -c` of ToText() has one element per member and reads back
//    whenever some member has a client address (and none has port 0).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "text_lines.h"
#include "zk/wire/client_config.h"
#include "zk/wire/dynamic_config.h"

using zk::wire::fuzz::Check;
using zk::wire::testing::SortedLines;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using zk::wire::DynamicConfig;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cfg = DynamicConfig::Parse(text);
  if (!cfg.ok()) {
    zk::wire::fuzz::CheckFailure(cfg.status());
    return 0;
  }
  const std::string printed = cfg->ToText();
  auto again = DynamicConfig::Parse(printed);
  Check(again.ok(), "ToText() parses");
  Check(*again == *cfg, "parse(ToText(x)) == x");
  Check(SortedLines(again->ToText()) == SortedLines(printed), "same lines after a reparse");

  const std::string file = cfg->ToDynamicFileText();
  auto from_file = DynamicConfig::ParseDynamicFile(file, cfg->version());
  Check(from_file.ok(), "the dynamic file parses");
  Check(*from_file == *cfg, "the dynamic file holds the config");
  Check(from_file->ToDynamicFileText() == file, "the dynamic file prints stably");
  auto next = DynamicConfig::Parse(cfg->ToNextDynamicFileText());
  Check(next.ok() && next->version() == cfg->version(), "the next file keeps the version");

  const std::string line = cfg->ClientConfigString();
  const std::size_t commas = static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
  Check(cfg->size() == 0 ? line.back() == ' ' : commas + 1 == cfg->size(),
        "config -c has one element per member");
  // A client reads the line back unless no member has a client address or
  // one has port 0 (which no client can connect to).
  bool any_client = false;
  bool port_zero = false;
  for (const auto* s : cfg->Servers()) {
    any_client = any_client || s->client.has_value();
    port_zero = port_zero || (s->client && s->client->port == 0);
  }
  auto cc = zk::wire::ParseClientConfig(line);
  Check(cc.ok() == (any_client && !port_zero), "config -c reads back");
  if (cc.ok()) Check(cc->version == cfg->version(), "config -c carries the version");

  // The leader's copy keeps members and text lines.
  DynamicConfig copy = cfg->CopyForIncrementalReconfig();
  Check(copy.size() == cfg->size(), "the incremental copy keeps every member");
  if (!cfg->is_hierarchical()) {
    Check(SortedLines(copy.ToText()) == SortedLines(printed), "the copy prints the same lines");
  }
  return 0;
}
