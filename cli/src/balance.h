// Seeing and fixing client imbalance: what each server of the current
// config reports about itself (four-letter words `srvr` and `cons`), and
// the load-aware plan computed from it (hostprovider/rebalance_plan.h,
// exact_plan.h). The parsers are pure; Probe* talk to the servers.
#ifndef ZK_CLI_BALANCE_H_
#define ZK_CLI_BALANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zk/client/blocking_client.h"
#include "zk/hostprovider/rebalance_plan.h"

namespace zk::cli {

// One member of the current config, as `servers` prints it.
struct ServerRow {
  int64_t id = 0;
  std::string role;  // "participant" or "observer" (from the config)
  HostPort client;   // where clients connect (0.0.0.0 replaced by the quorum host)
  bool up = false;
  std::string mode;         // srvr's Mode ("leader", "follower", …) or "" when down
  int64_t connections = -1;  // client connections with a session; -1 unknown
  bool sessions_known = false;
  std::vector<uint64_t> sessions;  // from cons
};

// `srvr`: the Mode and Connections lines.
struct SrvrInfo {
  std::string mode;
  int64_t connections = -1;
};
std::optional<SrvrInfo> ParseSrvr(std::string_view text);

// `cons`: the session ids of the connections that have one (connections
// without "sid=" — such as the asking one — are not clients yet). nullopt
// when the text is not a cons listing (e.g. not whitelisted).
std::optional<std::vector<uint64_t>> ParseCons(std::string_view text);

// The config's members with what srvr/cons say about them. A member whose
// client port does not answer is "down". The asking session itself is not
// counted.
Result<std::vector<ServerRow>> ProbeServers(BlockingClient& client);

nlohmann::json RowsToJson(const std::vector<ServerRow>& rows);
// The `servers` table.
std::string FormatRows(const std::vector<ServerRow>& rows);

// Which row `name` means: an id ("2") or a client address ("127.0.0.1:2182").
const ServerRow* FindRow(const std::vector<ServerRow>& rows, std::string_view name);

}  // namespace zk::cli

#endif  // ZK_CLI_BALANCE_H_
