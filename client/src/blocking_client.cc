#include "zk/client/blocking_client.h"

#include <pthread.h>
#include <signal.h>
#include <uv.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace zk {

// The loop thread and its mailbox. Tasks run on the loop thread in order.
struct BlockingClient::Loop {
  uv_loop_t loop;
  uv_async_t async;
  std::thread thread;
  std::mutex mu;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;  // guarded by mu
  std::shared_ptr<Client> client;  // loop thread only
  std::chrono::milliseconds op_timeout{30000};

  Loop() {
    uv_loop_init(&loop);
    uv_async_init(&loop, &async, &Loop::OnAsync);
    async.data = this;
  }

  void Start() {
    // The loop thread is the SDK's: it blocks every signal it can, so that
    // signals meant for the process (SIGINT, SIGTERM, SIGCHLD, ...) go to
    // the application's own threads and its sigwait() sees them. The new
    // thread inherits the mask in force here; the caller's is restored.
    struct MaskAll {
      sigset_t saved;
      MaskAll() {
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &saved);
      }
      ~MaskAll() { pthread_sigmask(SIG_SETMASK, &saved, nullptr); }
    } mask_all;
    thread = std::thread([this] {
      uv_run(&loop, UV_RUN_DEFAULT);
      // Everything is closed by now (see Stop); drain close callbacks.
      uv_run(&loop, UV_RUN_DEFAULT);
      uv_loop_close(&loop);
    });
  }

  // Returns false if the loop is stopping (the task is dropped).
  bool Post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return false;
      tasks.push_back(std::move(fn));
    }
    uv_async_send(&async);
    return true;
  }

  static void OnAsync(uv_async_t* a) {
    auto* self = static_cast<Loop*>(a->data);
    std::deque<std::function<void()>> batch;
    bool stop;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      batch.swap(self->tasks);
      stop = self->stopping;
    }
    for (auto& fn : batch) fn();
    if (stop) {
      // Close the session (if still open); the mailbox goes when it is done.
      auto close_async = [self] {
        uv_close(reinterpret_cast<uv_handle_t*>(&self->async), nullptr);
      };
      if (self->client && self->client->state() != SessionState::kClosed &&
          self->client->state() != SessionState::kExpired &&
          self->client->state() != SessionState::kAuthFailed) {
        auto c = std::move(self->client);
        c->Close(close_async);
      } else {
        self->client.reset();
        close_async();
      }
    }
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      stopping = true;
    }
    uv_async_send(&async);
    if (thread.joinable()) thread.join();
  }
};

BlockingClient::BlockingClient(std::unique_ptr<Loop> loop) : loop_(std::move(loop)) {}

BlockingClient::~BlockingClient() { loop_->Stop(); }

Result<std::unique_ptr<BlockingClient>> BlockingClient::Connect(
    ClientOptions options, std::chrono::milliseconds connect_wait,
    std::chrono::milliseconds op_timeout) {
  auto loop = std::make_unique<Loop>();
  loop->op_timeout = op_timeout;
  auto connected = std::make_shared<std::promise<Status>>();
  auto fut = connected->get_future();
  auto user_watcher = options.session_watcher;
  auto fired = std::make_shared<bool>(false);
  options.session_watcher = [connected, fired, user_watcher](SessionState s) {
    if (!*fired && (s == SessionState::kConnected || s == SessionState::kConnectedReadOnly ||
                    s == SessionState::kExpired || s == SessionState::kAuthFailed ||
                    s == SessionState::kClosed)) {
      *fired = true;
      Error e = s == SessionState::kExpired      ? Error::kSessionExpired
                : s == SessionState::kAuthFailed ? Error::kAuthFailed
                                                 : Error::kConnectionLoss;
      connected->set_value(
          s == SessionState::kConnected || s == SessionState::kConnectedReadOnly
              ? Status()
              : Status(e, std::string("session ended: ") + std::string(SessionStateName(s))));
    }
    if (user_watcher) user_watcher(s);
  };
  Loop* l = loop.get();
  // Validate on the caller's thread first so a bad connect string fails fast.
  auto created = std::make_shared<std::promise<Status>>();
  auto created_fut = created->get_future();
  l->Post([l, options = std::move(options), created]() mutable {
    auto c = Client::Create(&l->loop, std::move(options));
    if (!c.ok()) {
      created->set_value(c.status());
      return;
    }
    l->client = c.value();
    created->set_value(Status());
  });
  l->Start();
  Status cs = created_fut.get();
  std::unique_ptr<BlockingClient> bc(new BlockingClient(std::move(loop)));
  if (!cs.ok()) return cs;
  if (fut.wait_for(connect_wait) != std::future_status::ready) {
    return Status(Error::kConnectionLoss,
                  fmt::format("not connected within {} ms", connect_wait.count()));
  }
  Status s = fut.get();
  if (!s.ok()) return s;
  return bc;
}

template <typename T>
Result<T> BlockingClient::Call(std::function<Status(Client&, Callback<T>)> start) {
  auto p = std::make_shared<std::promise<Result<T>>>();
  auto fut = p->get_future();
  Loop* l = loop_.get();
  bool posted = l->Post([l, p, start = std::move(start)] {
    if (!l->client) {
      p->set_value(Status(Error::kClosing, "client closed"));
      return;
    }
    Status s = start(*l->client, [p](Result<T> r) { p->set_value(std::move(r)); });
    if (!s.ok()) p->set_value(s);
  });
  if (!posted) return Status(Error::kClosing, "client closed");
  if (fut.wait_for(l->op_timeout) != std::future_status::ready) {
    return Status(Error::kOperationTimeout, "no reply within op_timeout");
  }
  return fut.get();
}

namespace {
struct Unit {};
}  // namespace

Status BlockingClient::CallStatus(std::function<Status(Client&, StatusCallback)> start) {
  auto r = Call<Unit>([start = std::move(start)](Client& c, Callback<Unit> cb) {
    return start(c, [cb](Status s) {
      if (s.ok()) {
        cb(Unit{});
      } else {
        cb(s);
      }
    });
  });
  return r.status();
}

// Every task below is posted to the loop and may run after Call gave up
// (op_timeout) and the caller's frame, its arguments included, is gone:
// each lambda owns copies of what it uses (captures by value, never [&]).
Result<CreateResult> BlockingClient::CreateNode(const std::string& path,
                                                std::optional<std::string> data,
                                                std::vector<Acl> acl, CreateMode mode,
                                            int64_t ttl_ms) {
  return Call<CreateResult>([path, data = std::move(data), mode, acl = std::move(acl), ttl_ms](
                                Client& c, Callback<CreateResult> cb) mutable {
    return c.CreateNode(path, std::move(data), std::move(acl), mode, std::move(cb), ttl_ms);
  });
}
Status BlockingClient::Delete(const std::string& path, int32_t version) {
  return CallStatus(
      [path, version](Client& c, StatusCallback cb) { return c.Delete(path, version, cb); });
}
Result<Stat> BlockingClient::Exists(const std::string& path, Watcher w) {
  return Call<Stat>([path, w = std::move(w)](Client& c, Callback<Stat> cb) mutable {
    return c.Exists(path, std::move(w), cb);
  });
}
Result<DataResult> BlockingClient::GetData(const std::string& path, Watcher w) {
  return Call<DataResult>([path, w = std::move(w)](Client& c, Callback<DataResult> cb) mutable {
    return c.GetData(path, std::move(w), cb);
  });
}
Result<Stat> BlockingClient::SetData(const std::string& path, std::optional<std::string> data,
                                     int32_t version) {
  return Call<Stat>([path, data = std::move(data), version](Client& c, Callback<Stat> cb) mutable {
    return c.SetData(path, std::move(data), version, cb);
  });
}
Result<ChildrenResult> BlockingClient::GetChildren(const std::string& path, Watcher w) {
  return Call<ChildrenResult>(
      [path, w = std::move(w)](Client& c, Callback<ChildrenResult> cb) mutable {
        return c.GetChildren(path, std::move(w), cb);
      });
}
Result<AclResult> BlockingClient::GetAcl(const std::string& path) {
  return Call<AclResult>([path](Client& c, Callback<AclResult> cb) { return c.GetAcl(path, cb); });
}
Result<Stat> BlockingClient::SetAcl(const std::string& path, std::vector<Acl> acl, int32_t version) {
  return Call<Stat>([path, acl = std::move(acl), version](Client& c, Callback<Stat> cb) mutable {
    return c.SetAcl(path, std::move(acl), version, cb);
  });
}
Status BlockingClient::Sync(const std::string& path) {
  return CallStatus([path](Client& c, StatusCallback cb) { return c.Sync(path, cb); });
}
MultiResult BlockingClient::Multi(std::vector<Op> ops) {
  auto r = Call<MultiResult>([ops = std::move(ops)](Client& c, Callback<MultiResult> cb) mutable {
    return c.Multi(std::move(ops), [cb](MultiResult m) { cb(std::move(m)); });
  });
  if (!r.ok()) return MultiResult{r.status(), {}, std::nullopt};
  return std::move(r).value();
}
Result<std::vector<OpResult>> BlockingClient::MultiRead(std::vector<Op> ops) {
  return Call<std::vector<OpResult>>(
      [ops = std::move(ops)](Client& c, Callback<std::vector<OpResult>> cb) mutable {
        return c.MultiRead(std::move(ops), cb);
      });
}
Result<std::vector<std::string>> BlockingClient::GetEphemerals(const std::string& prefix) {
  return Call<std::vector<std::string>>([prefix](Client& c, Callback<std::vector<std::string>> cb) {
    return c.GetEphemerals(prefix, cb);
  });
}
Result<int32_t> BlockingClient::GetAllChildrenNumber(const std::string& path) {
  return Call<int32_t>(
      [path](Client& c, Callback<int32_t> cb) { return c.GetAllChildrenNumber(path, cb); });
}
Result<std::vector<ClientInfo>> BlockingClient::WhoAmI() {
  return Call<std::vector<ClientInfo>>(
      [](Client& c, Callback<std::vector<ClientInfo>> cb) { return c.WhoAmI(cb); });
}
Status BlockingClient::AddAuth(const std::string& scheme, std::string auth) {
  return CallStatus([scheme, auth = std::move(auth)](Client& c, StatusCallback cb) mutable {
    return c.AddAuth(scheme, std::move(auth), cb);
  });
}
Status BlockingClient::AddWatch(const std::string& path, AddWatchMode mode, Watcher w) {
  return CallStatus([path, mode, w = std::move(w)](Client& c, StatusCallback cb) mutable {
    return c.AddWatch(path, mode, std::move(w), cb);
  });
}
Status BlockingClient::RemoveWatches(const std::string& path, WatcherKind kind) {
  return CallStatus(
      [path, kind](Client& c, StatusCallback cb) { return c.RemoveWatches(path, kind, cb); });
}
Result<ConfigResult> BlockingClient::GetConfig(Watcher w) {
  return Call<ConfigResult>([w = std::move(w)](Client& c, Callback<ConfigResult> cb) mutable {
    return c.GetConfig(std::move(w), cb);
  });
}
Result<ConfigResult> BlockingClient::Reconfig(ReconfigSpec spec) {
  return Call<ConfigResult>([spec = std::move(spec)](Client& c, Callback<ConfigResult> cb) mutable {
    return c.Reconfig(std::move(spec), cb);
  });
}
Status BlockingClient::UpdateServerList(const std::string& connect_string) {
  return CallStatus([connect_string](Client& c, StatusCallback cb) {
    Status s = c.UpdateServerList(connect_string);
    if (s.ok()) cb(Status());  // the mailbox task is already off the user's stack
    return s.ok() ? Status() : s;
  });
}
void BlockingClient::Close() {
  (void)CallStatus([](Client& c, StatusCallback cb) {
    c.Close([cb] { cb(Status()); });
    return Status();
  });
}

SessionState BlockingClient::state() {
  auto r = Call<SessionState>([](Client& c, Callback<SessionState> cb) {
    cb(c.state());
    return Status();
  });
  return r.ok() ? r.value() : SessionState::kClosed;
}
int64_t BlockingClient::session_id() {
  auto r = Call<int64_t>([](Client& c, Callback<int64_t> cb) {
    cb(c.session_id());
    return Status();
  });
  return r.ok() ? r.value() : 0;
}
std::string BlockingClient::session_password() {
  auto r = Call<std::string>([](Client& c, Callback<std::string> cb) {
    cb(c.session_password());
    return Status();
  });
  return r.ok() ? r.value() : std::string();
}
std::optional<HostPort> BlockingClient::current_server() {
  auto r = Call<std::optional<HostPort>>([](Client& c, Callback<std::optional<HostPort>> cb) {
    cb(c.current_server());
    return Status();
  });
  return r.ok() ? r.value() : std::nullopt;
}

}  // namespace zk
