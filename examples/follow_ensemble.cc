// follow_ensemble: one ZooKeeper session that follows a changing ensemble.
//
//   follow_ensemble HOST:PORT[,HOST:PORT...][/chroot] [seconds=60]
//
// It keeps an ephemeral node /follow-<pid>, watches /zookeeper/config
// through the client's ensemble tracking, and prints every session state
// change and every server it moves to. Reconfigure the ensemble (zkCli.sh
// reconfig -remove/-add) while it runs and watch it move without losing its
// session or its ephemeral node.
//
// Build against an installed SDK:
//   c++ -std=c++20 follow_ensemble.cc $(pkg-config --cflags --libs zkclient)
#include <uv.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "zk/client/client.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: {} CONNECT_STRING [seconds]\n", argv[0]);
    return 2;
  }
  int seconds = argc > 2 ? std::atoi(argv[2]) : 60;
  uv_loop_t* loop = uv_default_loop();

  zk::ClientOptions options;
  options.connect_string = argv[1];
  options.session_timeout = std::chrono::seconds(10);
  options.tracking_jitter = std::chrono::seconds(2);
  options.session_watcher = [](zk::SessionState s) {
    fmt::print("session: {}\n", zk::SessionStateName(s));
  };
  auto created = zk::Client::Create(loop, options);
  if (!created.ok()) {
    fmt::print(stderr, "error: {}\n", created.status());
    return 1;
  }
  std::shared_ptr<zk::Client> client = created.value();
  std::string node = fmt::format("/follow-{}", getpid());
  (void)client->CreateNode(node, "", {}, zk::CreateMode::kEphemeral,
                           [&](zk::Result<zk::CreateResult> r) {
                             fmt::print("create {}: {}\n", node,
                                        r.ok() ? "ok" : r.status().ToString());
                           });

  // Once a second: where are we, and which config do we follow?
  struct Ticker {
    uv_timer_t timer;
    std::shared_ptr<zk::Client> client;
    std::string last;
    int left;
  } ticker{{}, client, "", seconds};
  uv_timer_init(loop, &ticker.timer);
  ticker.timer.data = &ticker;
  uv_timer_start(&ticker.timer, [](uv_timer_t* t) {
    auto* k = static_cast<Ticker*>(t->data);
    auto server = k->client->current_server();
    std::string now = fmt::format("session 0x{:x} on {} (config {:x})", k->client->session_id(),
                                  server ? server->ToString() : "-",
                                  k->client->tracked_config_version());
    if (now != k->last) fmt::print("{}\n", now);
    k->last = now;
    if (--k->left <= 0) {
      uv_timer_stop(t);
      uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
      k->client->Close([] { fmt::print("closed\n"); });
      k->client.reset();
    }
  }, 1000, 1000);
  client.reset();
  uv_run(loop, UV_RUN_DEFAULT);
  return uv_loop_close(loop) == 0 ? 0 : 1;
}
