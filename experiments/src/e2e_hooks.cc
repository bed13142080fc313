#include "e2e_hooks.h"

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

extern char** environ;

namespace zk::experiments {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }

}  // namespace

Status RunHook(const std::vector<std::string>& argv, Ms limit) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ); rc != 0) {
    return Fail(fmt::format("hook {}: cannot run: {}", argv[0], std::strerror(rc)));
  }
  const auto deadline = Clock::now() + limit;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return Fail(fmt::format("hook {}: waitpid failed", argv[0]));
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Fail(fmt::format("hook \"{}\" did not finish within {} s", fmt::join(argv, " "),
                              limit.count() / 1000));
    }
    std::this_thread::sleep_for(Ms(20));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(fmt::format("hook \"{}\" failed (exit status {})", fmt::join(argv, " "),
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return Status();
}

}  // namespace zk::experiments
