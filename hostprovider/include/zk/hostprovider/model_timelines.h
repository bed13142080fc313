// Canned timelines of model steps (model_step.h): the paper's §5.1 sequence
// and rolling restarts, and the numbered server names they use.
#ifndef ZK_HOSTPROVIDER_MODEL_TIMELINES_H_
#define ZK_HOSTPROVIDER_MODEL_TIMELINES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "zk/hostprovider/model_step.h"
#include "zk/wire/host_port.h"

namespace zk {

// "zk1:2181" ... "zk<n>:2181".
std::vector<HostPort> NumberedServers(uint32_t n, uint16_t port = 2181);

// The sequence of §5.1 of the paper (and of the C client's
// TestReconfig.cc testLoadBalancing) on 9 servers s1..s9: remove s9;
// remove s7, s8; remove s1 and add back s7, s8, s9; add back s1.
// REQUIRES: nine.size() == 9.
std::vector<ModelStep> Section51Timeline(const std::vector<HostPort>& nine);

// `rounds` rolling restarts of every server in list order, optionally with a
// plan (exact, or probabilistic with `plan_passes`) after each restart.
std::vector<ModelStep> RollingRestartTimeline(const std::vector<HostPort>& servers, int rounds,
                                              std::optional<ModelStepKind> plan_after_each = {},
                                              uint32_t plan_passes = 1);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MODEL_TIMELINES_H_
