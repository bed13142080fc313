// What the admin HTTP endpoint reads, without I/O: an HTTP request parsed
// with http-parser from bytes fed as they arrive, the query parameters, and
// the JSON body of shed_connections. admin_http.cc drives these on the loop;
// the fuzz target tests/fuzz/server-sim/fuzz_admin_request.cc feeds them
// bytes directly.
#ifndef ZK_SIM_ADMIN_REQUEST_H_
#define ZK_SIM_ADMIN_REQUEST_H_

#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::sim {

struct AdminRequest {
  std::string method;         // "GET", "POST", ...
  std::string path;           // "/commands/stat": the URL before '?'
  std::string query;          // after '?', as sent (no decoding)
  std::string body;
  std::string authorization;  // the Authorization header's value, if any
};

// Limits beyond which a request is malformed: a header name of more than
// kMaxHeaderName bytes, an Authorization value of more than
// kMaxAuthorization, a body of more than kMaxBody.
inline constexpr std::size_t kAdminMaxHeaderName = 256;
inline constexpr std::size_t kAdminMaxAuthorization = 4096;
inline constexpr std::size_t kAdminMaxBody = 65536;

// Reads one HTTP/1.x request. Not copyable or movable (http-parser keeps a
// pointer to it).
class AdminRequestReader {
 public:
  enum class State { kIncomplete, kComplete, kMalformed };

  AdminRequestReader();
  AdminRequestReader(const AdminRequestReader&) = delete;
  AdminRequestReader& operator=(const AdminRequestReader&) = delete;

  // Feeds the next bytes. Once the request is complete or malformed, further
  // bytes are ignored and the state stays.
  State Feed(std::string_view bytes);
  State state() const { return state_; }
  // The request; complete only when state() == kComplete.
  const AdminRequest& request() const { return request_; }

 private:
  http_parser parser_;
  http_parser_settings settings_;
  AdminRequest request_;
  std::string url_;
  std::string header_field_;
  bool in_value_ = false;  // http-parser may split a field or a value
  State state_ = State::kIncomplete;
};

// The value of `key` in a query "a=1&b=2" ("" when absent or valueless; the
// first occurrence wins).
std::string QueryParam(const std::string& query, const std::string& key);

// The arguments of shed_connections (ZOOKEEPER-2748 style): a JSON object
// with optional integer fields "percentage" (0..100), "count" and "target"
// (0..2^30) and "window_ms" (0..3600000); -1 for an absent one (window_ms:
// 0). One of percentage, count and target is required. Errors are
// kBadArguments naming the field.
struct ShedArguments {
  int64_t percentage = -1;
  int64_t count = -1;
  int64_t target = -1;
  int64_t window_ms = 0;
};
Result<ShedArguments> ParseShedArguments(const nlohmann::json& body);

}  // namespace zk::sim

#endif  // ZK_SIM_ADMIN_REQUEST_H_
