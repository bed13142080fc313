// Shared by the text-format fuzz targets.
#ifndef ZK_TESTS_FUZZ_FORMATS_FUZZ_CHECK_H_
#define ZK_TESTS_FUZZ_FORMATS_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::wire::fuzz {

// Aborts (a crash for libFuzzer and for the replay test) when an invariant
// does not hold, printing what was expected.
inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

// Every failure must be an error value with a known code and a message.
inline void CheckFailure(const Status& s) {
  Check(!s.ok(), "a failure is not ok");
  Check(s.code() == Error::kBadArguments || s.code() == Error::kMarshallingError,
        "failures are kBadArguments or kMarshallingError");
  Check(!s.message().empty(), "a failure has a message");
}

}  // namespace zk::wire::fuzz

#endif  // ZK_TESTS_FUZZ_FORMATS_FUZZ_CHECK_H_
