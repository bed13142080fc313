// The end-to-end runner's process hooks: on a real ensemble, what the client
// side cannot do (kill, start, shed a server) is done by a program the user
// names (--hook, e2e_runner.h), run and waited for here.
#ifndef ZK_EXPERIMENTS_SRC_E2E_HOOKS_H_
#define ZK_EXPERIMENTS_SRC_E2E_HOOKS_H_

#include <chrono>
#include <string>
#include <vector>

#include "zk/wire/status.h"

namespace zk::experiments {

// How long a hook may take.
inline constexpr std::chrono::milliseconds kHookLimit{120000};

// Runs `argv` (argv[0] looked up in PATH) and waits for it, at most
// `limit`; ok iff it exits with 0. Errors (kSystemError) name the command:
// it cannot be started, it exits non-zero, or it runs past `limit` (then
// it is killed).
Status RunHook(const std::vector<std::string>& argv, std::chrono::milliseconds limit = kHookLimit);

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_SRC_E2E_HOOKS_H_
