// The step vocabulary of the model simulator (model_simulator.h): what can
// happen to the ensemble between two reports. Each step, and what the
// simulator does with it:
//   reconfigure  the ensemble becomes `servers` (added servers are up); every
//                client calls UpdateServerList with its current server
//   crash        the server goes down; its clients fail over
//   recover      the server comes back, empty
//   restart      crash then recover (a rolling-restart step)
//   plan         a load-aware plan (equal targets over the up servers) from
//                the current counts; following clients apply it. With
//                passes > 1 the operator re-reads the counts after each
//                round of moves and publishes a new version while the
//                servers are not balanced (each pass shrinks the binomial
//                noise the previous one left); movers then counts moves.
//   exact-plan   an exact plan naming following sessions; the part of the
//                excess held by non-followers is shed (they fail over)
//   shed         round(fraction × load) random clients of the server lose
//                their connection (ZOOKEEPER-2748) and fail over
//   wait         time passes (`duration`)
#ifndef ZK_HOSTPROVIDER_MODEL_STEP_H_
#define ZK_HOSTPROVIDER_MODEL_STEP_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/host_port.h"

namespace zk {

enum class ModelStepKind : uint8_t {
  kReconfigure,
  kCrash,
  kRecover,
  kRestart,
  kPlan,
  kExactPlan,
  kShed,
  kWait,
};

std::string_view ModelStepKindName(ModelStepKind k);  // "reconfigure", "exact-plan", ...
std::optional<ModelStepKind> ParseModelStepKind(std::string_view name);

struct ModelStep {
  ModelStepKind kind = ModelStepKind::kPlan;
  std::vector<HostPort> servers;             // kReconfigure: the new list
  HostPort server;                           // kCrash, kRecover, kRestart, kShed
  double fraction = 0;                       // kShed: in [0, 1]
  uint32_t passes = 1;                       // kPlan: publications, each from fresh counts
  std::chrono::milliseconds duration{5000};  // kWait: >= 0
  std::string label;                         // for reports; a default is made from the step

  static ModelStep Reconfigure(std::vector<HostPort> servers, std::string label = {});
  static ModelStep Crash(HostPort server);
  static ModelStep Recover(HostPort server);
  static ModelStep Restart(HostPort server);
  static ModelStep Plan(uint32_t passes = 1);
  static ModelStep ExactPlan();
  static ModelStep Shed(HostPort server, double fraction);
  static ModelStep Wait(std::chrono::milliseconds duration, std::string label = {});

  std::string DefaultLabel() const;
};

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MODEL_STEP_H_
