// zk::BlockingClient — a synchronous facade for simple programs and zkcli.
//
// It owns a loop thread running one zk::Client. Calls from any thread are
// posted to that loop through a uv_async_t mailbox and wait for the result
// (bounded by `op_timeout`, then ZOPERATIONTIMEOUT; the request itself is
// not cancelled: it may still go out later, e.g. when a watcher blocked the
// loop thread). The posted task owns copies of every argument, so nothing
// of the caller's is read after a call returned; a watcher passed in is
// copied too, and what it captures must live as long as it may run.
// Watchers and the session watcher run on the loop thread: they must not
// call back into the BlockingClient synchronously (that would deadlock);
// they may post work elsewhere.
//
// Thread-safety: every method may be called from any thread except the loop
// thread.
#ifndef ZK_CLIENT_BLOCKING_CLIENT_H_
#define ZK_CLIENT_BLOCKING_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>

#include "zk/client/client.h"

namespace zk {

class BlockingClient {
 public:
  // Starts the loop thread and the session; waits up to `connect_wait` for
  // the first Connected (else ZCONNECTIONLOSS, and everything is torn down).
  // A session that ends first fails it with ZSESSIONEXPIRED (e.g. a
  // reattach, ClientOptions::session_id, that the server refused),
  // ZAUTHFAILED, or ZCONNECTIONLOSS (Closed).
  static Result<std::unique_ptr<BlockingClient>> Connect(
      ClientOptions options, std::chrono::milliseconds connect_wait = std::chrono::seconds(15),
      std::chrono::milliseconds op_timeout = std::chrono::seconds(30));
  // Closes the session (if not yet closed) and joins the loop thread.
  ~BlockingClient();
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  // data: std::nullopt = null (client.h).
  // The same name and argument order as Client::CreateNode (Java's
  // create(path, data, acl, mode)); acl empty: OPEN_ACL_UNSAFE.
  Result<CreateResult> CreateNode(const std::string& path, std::optional<std::string> data,
                                  std::vector<Acl> acl = {},
                                  CreateMode mode = CreateMode::kPersistent, int64_t ttl_ms = 0);
  Status Delete(const std::string& path, int32_t version = -1);
  Result<Stat> Exists(const std::string& path, Watcher watcher = {});
  Result<DataResult> GetData(const std::string& path, Watcher watcher = {});
  Result<Stat> SetData(const std::string& path, std::optional<std::string> data,
                       int32_t version = -1);
  Result<ChildrenResult> GetChildren(const std::string& path, Watcher watcher = {});
  Result<AclResult> GetAcl(const std::string& path);
  Result<Stat> SetAcl(const std::string& path, std::vector<Acl> acl, int32_t version = -1);
  Status Sync(const std::string& path);
  // A timeout or a closed client gives a MultiResult with that status and
  // no results.
  MultiResult Multi(std::vector<Op> ops);
  Result<std::vector<OpResult>> MultiRead(std::vector<Op> ops);
  Result<std::vector<std::string>> GetEphemerals(const std::string& prefix = "/");
  Result<int32_t> GetAllChildrenNumber(const std::string& path);
  Result<std::vector<ClientInfo>> WhoAmI();
  Status AddAuth(const std::string& scheme, std::string auth);
  Status AddWatch(const std::string& path, AddWatchMode mode, Watcher watcher);
  Status RemoveWatches(const std::string& path, WatcherKind kind);
  Result<ConfigResult> GetConfig(Watcher watcher = {});
  Result<ConfigResult> Reconfig(ReconfigSpec spec);
  Status UpdateServerList(const std::string& connect_string);
  // Sends closeSession and waits for Closed (idempotent). Returns at once
  // when the session had already ended (Expired, AuthFailed, Closed).
  void Close();

  SessionState state();
  int64_t session_id();
  // Client::session_password(): with session_id(), what a successor needs
  // to reattach the session ("" if the loop did not answer).
  std::string session_password();
  std::optional<HostPort> current_server();

 private:
  struct Loop;
  explicit BlockingClient(std::unique_ptr<Loop> loop);
  template <typename T>
  Result<T> Call(std::function<Status(Client&, Callback<T>)> start);
  Status CallStatus(std::function<Status(Client&, StatusCallback)> start);

  std::unique_ptr<Loop> loop_;
};

}  // namespace zk

#endif  // ZK_CLIENT_BLOCKING_CLIENT_H_
