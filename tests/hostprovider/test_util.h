// Helpers shared by the hostprovider tests.
#ifndef ZK_TESTS_HOSTPROVIDER_TEST_UTIL_H_
#define ZK_TESTS_HOSTPROVIDER_TEST_UTIL_H_

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "zk/wire/host_port.h"

namespace zk::testing {

inline HostPort Hp(std::string host, uint16_t port = 2181) {
  return HostPort{std::move(host), port};
}

// "s<first>" ... "s<last>" on port 2181 (as TestReconfig.cc's host lists).
inline std::vector<HostPort> Range(int first, int last) {
  std::vector<HostPort> out;
  for (int i = first; i <= last; ++i) out.push_back(Hp(fmt::format("s{}", i)));
  return out;
}

inline bool Contains(const std::vector<HostPort>& v, const HostPort& h) {
  for (const HostPort& x : v) {
    if (x == h) return true;
  }
  return false;
}

}  // namespace zk::testing

#endif  // ZK_TESTS_HOSTPROVIDER_TEST_UTIL_H_
