// Fuzz target: the `config -c` line. ClientConfigString (on arbitrary
// /zookeeper/config data) never fails and yields "<version> <elements>";
// ParseClientConfig results print back to a line that parses to an equal
// value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "zk/wire/client_config.h"

using zk::wire::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string line = zk::wire::ClientConfigString(text);
  Check(line.empty() || line.find(' ') != std::string::npos, "version and elements are separated");

  auto cc = zk::wire::ParseClientConfig(text);
  if (!cc.ok()) {
    zk::wire::fuzz::CheckFailure(cc.status());
    return 0;
  }
  Check(!cc->hosts.empty(), "at least one host");
  const std::string printed = cc->ToString();
  auto again = zk::wire::ParseClientConfig(printed);
  Check(again.ok(), "the printed line parses");
  Check(*again == *cc, "parse(print(x)) == x");
  Check(again->ToString() == printed, "printing is stable");
  return 0;
}
