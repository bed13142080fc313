// Issue 12, items 8 and 9, against the shared ensemble (real ZooKeeper 3.8,
// or zksim under `client-zksim`): per-request timeouts and write-side
// backpressure of the async API, and BlockingClient lifetimes (no task
// posted to the loop refers to a caller's stack after op_timeout returned;
// this test is meant to run under AddressSanitizer too, see docs/client.md).
#include <atomic>
#include <thread>

#include "test_util.h"
#include "zk/client/blocking_client.h"

using namespace zk::test;

namespace {

// Longer than any small-string buffer, so that a task reading a freed copy
// touches freed heap memory (which AddressSanitizer reports).
std::string Long(const std::string& stem, char fill) { return stem + std::string(200, fill); }

}  // namespace

TEST_CASE("BlockingClient lifetimes: ops timed out while the loop is blocked own their arguments",
          "[blocking-lifetimes][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble");
    return;
  }
  // `other` sets things up, makes the change that wakes the sleeping
  // watcher (a change by `c` itself would be answered after the
  // notification, so behind the sleep) and checks the outcome.
  auto bo = zk::BlockingClient::Connect(Options(ens.connect), 15s, 10s);
  REQUIRE(bo.ok());
  auto& other = *bo.value();
  auto o = Options(ens.connect);
  o.session_timeout = 10000ms;  // the loop sleeps 3 s; no read timeout then
  auto bc = zk::BlockingClient::Connect(o, 15s, 150ms);
  REQUIRE(bc.ok());
  auto& c = *bc.value();
  std::string base = UniquePath("lifetimes");
  REQUIRE(other.Create(base, "").ok());

  // A watcher that blocks the loop thread.
  std::atomic<bool> sleeping{false};
  REQUIRE(c.GetData(base, [&](const zk::WatchEvent&) {
             sleeping = true;
             std::this_thread::sleep_for(3000ms);
           }).ok());
  REQUIRE(other.SetData(base, "wake").ok());
  for (int i = 0; i < 500 && !sleeping; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(sleeping);

  // Every argument below is a temporary (or a by-value parameter) that is
  // gone when the call returns; the loop runs the posted tasks later.
  const std::string a = base + "/" + std::string(180, 'a');
  const std::string b = base + "/" + std::string(180, 'b');
  const std::string m = base + "/" + std::string(180, 'm');
  CHECK(c.Create(std::string(a), Long("data-a", 'x')).status().code() ==
        zk::Error::kOperationTimeout);
  CHECK(c.SetData(std::string(base), Long("data-base", 'y')).status().code() ==
        zk::Error::kOperationTimeout);
  CHECK(c.Create(std::string(b), std::optional<std::string>(Long("data-b", 'z')),
                 zk::CreateMode::kPersistent, std::vector<zk::Acl>(zk::wire::OpenAclUnsafe()))
            .status()
            .code() == zk::Error::kOperationTimeout);
  CHECK(c.Exists(std::string(a), [big = Long("w", 'w')](const zk::WatchEvent&) { (void)big; })
            .status()
            .code() == zk::Error::kOperationTimeout);
  CHECK(c.Multi({zk::Op::Create(std::string(m), Long("data-m", 'q'), {})}).status.code() ==
        zk::Error::kOperationTimeout);
  CHECK(c.AddWatch(std::string(b), zk::AddWatchMode::kPersistent, [](const zk::WatchEvent&) {})
            .code() == zk::Error::kOperationTimeout);
  CHECK(c.Delete(base + "/" + std::string(180, 'n')).code() == zk::Error::kOperationTimeout);

  // The loop wakes and runs the tasks with their own copies: the requests
  // went out with the arguments as given.
  zk::Status synced;
  for (int i = 0; i < 50; ++i) {
    synced = c.Sync("/");  // answered after every task posted before it
    if (synced.ok()) break;
  }
  REQUIRE(synced.ok());
  auto da = other.GetData(a);
  REQUIRE(da.ok());
  CHECK(da.value().data == Long("data-a", 'x'));
  auto db = other.GetData(b);
  REQUIRE(db.ok());
  CHECK(db.value().data == Long("data-b", 'z'));
  auto dm = other.GetData(m);
  REQUIRE(dm.ok());
  CHECK(dm.value().data == Long("data-m", 'q'));
  auto dbase = other.GetData(base);
  REQUIRE(dbase.ok());
  CHECK(dbase.value().data == Long("data-base", 'y'));
  for (const auto& p : {a, b, m}) CHECK(other.Delete(p).ok());
  CHECK(other.Delete(base).ok());
  c.Close();
  other.Close();
}
