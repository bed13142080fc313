// Fuzz target: zksim's admin HTTP requests and shed_connections JSON bodies
// (server-sim/src/admin_request.h). Input: one byte k, then the bytes of a
// connection, fed once whole and once in two pieces split at k % size.
// Invariants: the split changes nothing (state and every field); a complete
// request has a method, a path without '?', and a body and Authorization
// within the limits. Its body, read as JSON and as shed_connections
// arguments, gives arguments within their ranges with one of percentage,
// count and target, or a kBadArguments error with a message.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "admin_request.h"
#include "formats/fuzz_check.h"

using zk::sim::AdminRequestReader;
using zk::wire::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  AdminRequestReader whole;
  const auto state = whole.Feed(bytes);
  AdminRequestReader split;
  const size_t at = bytes.empty() ? 0 : data[0] % bytes.size();
  (void)split.Feed(bytes.substr(0, at));
  Check(split.Feed(bytes.substr(at)) == state, "splitting the bytes changes nothing");
  if (state != AdminRequestReader::State::kComplete) return 0;
  const zk::sim::AdminRequest& r = whole.request();
  const zk::sim::AdminRequest& s = split.request();
  Check(r.method == s.method && r.path == s.path && r.query == s.query && r.body == s.body &&
            r.authorization == s.authorization,
        "the split request is the same");
  Check(!r.method.empty(), "a request has a method");
  Check(r.path.find('?') == std::string::npos, "the path stops at '?'");
  Check(r.body.size() <= zk::sim::kAdminMaxBody, "the body is within its limit");
  Check(r.authorization.size() <= zk::sim::kAdminMaxAuthorization, "Authorization within limit");
  (void)zk::sim::QueryParam(r.query, "server");
  const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
  auto args = zk::sim::ParseShedArguments(body);
  if (!args.ok()) {
    Check(args.status().code() == zk::Error::kBadArguments, "failures are kBadArguments");
    Check(!args.status().message().empty(), "a failure has a message");
    return 0;
  }
  Check(args->percentage >= -1 && args->percentage <= 100, "percentage in range");
  Check(args->count >= -1 && args->count <= (1 << 30), "count in range");
  Check(args->target >= -1 && args->target <= (1 << 30), "target in range");
  Check(args->window_ms >= 0 && args->window_ms <= 3600000, "window in range");
  Check(args->percentage >= 0 || args->count >= 0 || args->target >= 0, "one is given");
  return 0;
}
