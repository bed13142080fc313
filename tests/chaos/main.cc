// chaos_soak: the chaos soak's workload (soak.h). Driven by tests/chaos/run,
// which starts the ensemble and runs the fault timeline; see docs/testing.md.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "soak.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: chaos_soak --connect HOSTS --seed S [--sessions N] [--watched K]\n"
               "  [--session-timeout-ms MS] [--plan-path P|--no-plan] [--root PATH]\n"
               "  [--write-ms MIN:MAX] [--pipeline P] [--writer-pause-ms MS] [--duration-s S]\n"
               "  [--settle-s S] [--setup-s S]\n"
               "Runs until stdin says `stop` (or closes) unless --duration-s is given.\n");
}

bool ParseInt(const char* s, long long lo, long long hi, long long* out) {
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  zk::chaos::SoakOptions o;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        fmt::print(stderr, "chaos_soak: {} needs a value\n", a);
        std::exit(2);
      }
      return argv[++i];
    };
    auto number = [&](long long lo, long long hi) -> long long {
      const char* v = value();
      long long n = 0;
      if (!ParseInt(v, lo, hi, &n)) {
        fmt::print(stderr, "chaos_soak: {} {}: not an integer in [{}, {}]\n", a, v, lo, hi);
        std::exit(2);
      }
      return n;
    };
    if (a == "--connect") {
      o.connect = value();
    } else if (a == "--seed") {
      const char* v = value();
      char* end = nullptr;
      o.seed = std::strtoull(v, &end, 10);
      if (end == v || *end != '\0') {
        fmt::print(stderr, "chaos_soak: --seed {}: not a number\n", v);
        return 2;
      }
      have_seed = true;
    } else if (a == "--sessions") {
      o.sessions = static_cast<int>(number(1, 100000));
    } else if (a == "--watched") {
      o.watched_parents = static_cast<int>(number(1, 100));
    } else if (a == "--session-timeout-ms") {
      o.session_timeout = std::chrono::milliseconds(number(1000, 600000));
    } else if (a == "--plan-path") {
      o.plan_path = value();
    } else if (a == "--no-plan") {
      o.plan_path.clear();
    } else if (a == "--root") {
      o.root = value();
    } else if (a == "--write-ms") {
      std::string v = value();
      long long lo = 0, hi = 0;
      auto colon = v.find(':');
      if (colon == std::string::npos || !ParseInt(v.substr(0, colon).c_str(), 1, 600000, &lo) ||
          !ParseInt(v.substr(colon + 1).c_str(), lo, 600000, &hi)) {
        fmt::print(stderr, "chaos_soak: --write-ms {}: expected MIN:MAX milliseconds\n", v);
        return 2;
      }
      o.write_min_ms = static_cast<int>(lo);
      o.write_max_ms = static_cast<int>(hi);
    } else if (a == "--pipeline") {
      o.pipeline = static_cast<int>(number(1, 1000));
    } else if (a == "--writer-pause-ms") {
      o.writer_pause_ms = static_cast<int>(number(0, 600000));
    } else if (a == "--duration-s") {
      o.duration_s = static_cast<int>(number(1, 86400));
    } else if (a == "--settle-s") {
      o.settle_s = static_cast<int>(number(1, 3600));
    } else if (a == "--setup-s") {
      o.setup_s = static_cast<int>(number(1, 3600));
    } else if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    } else {
      fmt::print(stderr, "chaos_soak: unknown argument {}\n", a);
      Usage();
      return 2;
    }
  }
  if (o.connect.empty() || !have_seed) {
    fmt::print(stderr, "chaos_soak: --connect and --seed are required\n");
    Usage();
    return 2;
  }
  fmt::print("chaos-soak: seed={} sessions={} connect={}\n", o.seed, o.sessions, o.connect);
  std::fflush(stdout);
  return zk::chaos::RunSoak(o);
}
