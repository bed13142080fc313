// Fuzz target: server lines ("server.N=spec", "N=spec") and the reconfig
// -add/-remove lists. Invariants: a parsed line prints a line that parses to
// an equal ServerSpec and prints identically; the multi-address switch only
// ever turns a success into a failure; failures are error values.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "zk/wire/server_spec.h"

using zk::wire::fuzz::Check;
using zk::wire::fuzz::CheckFailure;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = zk::wire::ParseServerLine(text);
  zk::wire::ServerSpecOptions single;
  single.multi_address_enabled = false;
  auto strict = zk::wire::ParseServerLine(text, single);
  if (!spec.ok()) {
    CheckFailure(spec.status());
    Check(!strict.ok(), "disabling multi-address never makes a line valid");
  } else {
    Check(!spec->addresses.empty(), "at least one address");
    Check(strict.ok() == (spec->addresses.size() == 1), "only '|' lines need multi-address");
    const std::string line = spec->ToLine();
    auto again = zk::wire::ParseServerLine(line);
    Check(again.ok(), "the printed line parses");
    Check(*again == *spec, "parse(print(x)) == x");
    Check(again->ToLine() == line, "printing is stable");
  }
  auto joining = zk::wire::ParseJoiningServers(text);
  if (!joining.ok()) {
    CheckFailure(joining.status());
  } else {
    for (const auto& s : *joining) {
      Check(s.client.has_value(), "joiners have a client address");
      auto again = zk::wire::ParseServerSpec(s.id, s.SpecString());
      Check(again.ok() && *again == s, "joiners print back");
    }
  }
  auto leaving = zk::wire::ParseLeavingServers(text);
  if (!leaving.ok()) CheckFailure(leaving.status());
  return 0;
}
