// Plans as JSON, the form in which an operator tool publishes them (in the
// znode /zkbalance/plan) and clients read them. Example:
//
//   {
//     "type": "zkbalance-plan",
//     "format": 1,
//     "version": 7,
//     "servers": [
//       {"server": "zk1:2181", "load": 900, "target": 334,
//        "move_probability": 0.0, "weight": 0},
//       {"server": "zk2:2181", "load": 50, "target": 333,
//        "move_probability": 0.0, "weight": 0},
//       {"server": "zk3:2181", "load": 50, "target": 333,
//        "move_probability": 0.0, "weight": 0}
//     ],
//     "sessions": [
//       {"session": "0x0000000000000001", "to": "zk2:2181"}
//     ],
//     "shed": [{"server": "zk1:2181", "count": 3}]
//   }
//
// "type", "format" (1), "version" (> 0, a JSON number or a "0x..." hex
// string) and "servers" are required; "sessions" and "shed" default to empty;
// unknown keys are ignored (forward compatibility); "format" above 1 is
// rejected. Server addresses are "host:port", "[v6 literal]:port" for IPv6.
// Session ids are written as "0x" + 16 hex digits (JSON numbers lose
// precision above 2^53 in many readers) and read as such or as numbers.
// Parsing never throws: every error is a kBadArguments Status that names the
// offending field ("plan: servers[1].move_probability: 1.5 is not in
// [0, 1]").
#ifndef ZK_HOSTPROVIDER_PLAN_JSON_H_
#define ZK_HOSTPROVIDER_PLAN_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "zk/hostprovider/rebalance_plan.h"
#include "zk/wire/host_port.h"

namespace zk {

nlohmann::json PlanToJson(const RebalancePlan& plan);
// Also runs RebalancePlan::Validate.
Result<RebalancePlan> PlanFromJson(const nlohmann::json& j);

// Compact JSON text.
std::string SerializePlan(const RebalancePlan& plan);
Result<RebalancePlan> ParsePlan(std::string_view text);

// The plan's server addresses are read with ParseServerAddress
// (zk/wire/host_port.h).

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_PLAN_JSON_H_
