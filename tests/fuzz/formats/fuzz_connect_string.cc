// Fuzz target: connect strings. Invariants: a parsed connect string prints a
// text that parses to an equal value and prints identically; hosts are never
// empty, ports never 0; a failure is an error value with a message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "zk/wire/connect_string.h"

using zk::wire::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cs = zk::wire::ParseConnectString(text);
  if (!cs.ok()) {
    zk::wire::fuzz::CheckFailure(cs.status());
    return 0;
  }
  Check(!cs->hosts.empty(), "at least one host");
  for (const auto& h : cs->hosts) Check(!h.host.empty() && h.port != 0, "host and port set");
  const std::string printed = cs->ToString();
  auto again = zk::wire::ParseConnectString(printed);
  Check(again.ok(), "the printed connect string parses");
  Check(*again == *cs, "parse(print(x)) == x");
  Check(again->ToString() == printed, "printing is stable");
  return 0;
}
