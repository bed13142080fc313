// Shared helpers for the client interop tests.
#ifndef ZK_TESTS_CLIENT_TEST_UTIL_H_
#define ZK_TESTS_CLIENT_TEST_UTIL_H_

#include <catch2/catch.hpp>

#include <optional>

#include "ensemble.h"
#include "loop_runner.h"
#include "zk/client/client.h"

namespace zk::test {

using namespace std::chrono_literals;

template <typename T>
struct Wait {
  std::optional<zk::Result<T>> r;
  zk::Callback<T> cb() {
    return [this](zk::Result<T> v) { r.emplace(std::move(v)); };
  }
};
struct WaitS {
  std::optional<zk::Status> s;
  zk::StatusCallback cb() {
    return [this](zk::Status v) { s.emplace(std::move(v)); };
  }
};

inline zk::ClientOptions Options(const std::string& connect) {
  zk::ClientOptions o;
  o.connect_string = connect;
  o.session_timeout = 4000ms;
  o.random_seed = 42;
  o.track_ensemble = false;
  o.logger = std::make_shared<Logger>(
      [](LogLevel l, std::string_view line) {
        fmt::print(stderr, "# [{}] {}\n", LogLevelName(l), line);
      },
      LogLevel::kWarn);
  return o;
}

inline std::shared_ptr<zk::Client> ConnectWith(LoopRunner& lr, zk::ClientOptions o) {
  auto c = zk::Client::Create(lr.loop(), std::move(o));
  REQUIRE(c.ok());
  auto client = c.value();
  REQUIRE(lr.RunUntil([&] { return client->state() == zk::SessionState::kConnected; }));
  return client;
}

inline void CloseClient(LoopRunner& lr, std::shared_ptr<zk::Client>& c) {
  bool closed = false;
  c->Close([&] { closed = true; });
  REQUIRE(lr.RunUntil([&] { return closed; }));
  c.reset();
}

}  // namespace zk::test

#define RUN_OK(lr, w) REQUIRE((lr).RunUntil([&] { return (w).r.has_value(); }))
#define RUN_S(lr, w) REQUIRE((lr).RunUntil([&] { return (w).s.has_value(); }))

namespace zk::test {

// A session on `connect` authenticated as the ensemble's super user
// ("super:password"), for reconfig.
inline std::shared_ptr<zk::Client> SuperClient(LoopRunner& lr, const std::string& connect,
                                               const std::string& super_auth) {
  auto c = ConnectWith(lr, Options(connect));
  WaitS au;
  REQUIRE(c->AddAuth("digest", super_auth, au.cb()).ok());
  RUN_S(lr, au);
  REQUIRE(au.s->ok());
  return c;
}

// /zookeeper/config as the server c is connected to has it now (sync first).
inline zk::ConfigResult ReadConfig(LoopRunner& lr, zk::Client& c) {
  WaitS sy;
  REQUIRE(c.Sync("/zookeeper/config", sy.cb()).ok());
  RUN_S(lr, sy);
  Wait<zk::ConfigResult> cfg;
  REQUIRE(c.GetConfig({}, cfg.cb()).ok());
  RUN_OK(lr, cfg);
  REQUIRE(cfg.r->ok());
  return cfg.r->value();
}

}  // namespace zk::test

#endif  // ZK_TESTS_CLIENT_TEST_UTIL_H_
