// Blocking, bounded talks with a server's side doors: four-letter words on
// the client port and the AdminServer's HTTP commands
// (§8.3; zksim's single endpoint takes `?server=k`). Loopback or not, every
// call has a deadline and never throws.
#ifndef ZK_CLI_ADMIN_CLIENT_H_
#define ZK_CLI_ADMIN_CLIENT_H_

#include <chrono>
#include <string>
#include <string_view>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::cli {

// Sends the word and reads until the server closes. kConnectionLoss when
// the server cannot be reached, kOperationTimeout past `timeout`.
Result<std::string> FourLetter(const HostPort& server, std::string_view word,
                               std::chrono::milliseconds timeout = std::chrono::seconds(3));

struct HttpResponse {
  int status = 0;
  std::string body;
};

// One HTTP/1.0 request ("GET" or "POST"); `target` is the path and query;
// `authorization`: the Authorization header's value ("" = none).
Result<HttpResponse> HttpRequest(const HostPort& server, std::string_view method,
                                 std::string_view target, std::string_view body = {},
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                 std::string_view authorization = {});

}  // namespace zk::cli

#endif  // ZK_CLI_ADMIN_CLIENT_H_
