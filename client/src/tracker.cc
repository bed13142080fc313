#include "tracker.h"

#include "client_impl.h"
#include "zk/version.h"
#include "zk/hostprovider/follower_registry.h"
#include "zk/hostprovider/plan_json.h"

namespace zk::client_internal {

namespace {
// Written into each follower znode ({"client":"zkbalance/<version>"}).
constexpr std::string_view kClientVersion = kVersion;
}  // namespace

Tracker::Tracker(Client* client, const ClientOptions& options, uint64_t seed)
    : client_(client),
      enabled_(options.track_ensemble),
      jitter_(options.tracking_jitter),
      rng_(seed),
      plan_path_(options.plan_path) {}

Tracker::~Tracker() { Stop(); }

void Tracker::Stop() {
  stopped_ = true;
  if (timer_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    timer_ = nullptr;
  }
}

void Tracker::OnState(SessionState s) {
  if (stopped_) return;
  if (s == SessionState::kConnected || s == SessionState::kConnectedReadOnly) {
    if (enabled_) Fetch(false);
    // Plan following is asked for by plan_path alone: it does not need
    // config tracking (a client may keep a fixed list and still follow).
    if (!plan_path_.empty()) {
      FetchPlan(false);
      if (s == SessionState::kConnected) Register();
    }
  }
}

// docs/hostprovider.md "Followers": once per session, the ephemeral
// /zkbalance/followers/0x<16 hex> (world read, creator all). The parents
// are created (open ACL) when missing. Without any authentication the
// creator-all entry is refused (ZINVALIDACL); the znode is then world-read
// only, which changes nothing for the operator tool (the server still deletes
// it with the session). Paths are client paths (under the chroot, if any).
void Tracker::Register() {
  int64_t sid = client_->session_id();
  if (registering_ || sid == 0 || sid == registered_session_) return;
  registering_ = true;
  std::string followers(kFollowersZnode);
  CreateParent(followers.substr(0, followers.rfind('/')), [this, followers] {
    CreateParent(followers, [this] { CreateFollower(true); });
  });
}

void Tracker::CreateParent(const std::string& path, std::function<void()> next) {
  Status s = client_->CreateNode(
      path, "", wire::OpenAclUnsafe(), CreateMode::kPersistent,
      [this, next = std::move(next)](Result<CreateResult> r) {
        if (stopped_) return;
        if (!r.ok() && r.status().code() != Error::kNodeExists) {
          registering_ = false;
          client_->logger()->Log(LogLevel::kWarn, "tracker: follower registry: {}", r.status());
          return;
        }
        next();
      });
  if (!s.ok()) registering_ = false;
}

void Tracker::CreateFollower(bool creator_all) {
  int64_t sid = client_->session_id();
  std::string node = FollowerZnodePath(static_cast<uint64_t>(sid));
  std::vector<Acl> acl = wire::ReadAclUnsafe();
  if (creator_all) {
    for (auto& a : wire::CreatorAllAcl()) acl.push_back(a);
  }
  std::string data = R"({"client":"zkbalance/)" + std::string(kClientVersion) + R"("})";
  Status s = client_->CreateNode(
      node, std::move(data), std::move(acl), CreateMode::kEphemeral,
      [this, node, sid, creator_all](Result<CreateResult> r) {
        if (stopped_) return;
        if (!r.ok() && r.status().code() == Error::kInvalidAcl && creator_all) {
          CreateFollower(false);
          return;
        }
        registering_ = false;
        if (r.ok() || r.status().code() == Error::kNodeExists) {
          registered_session_ = sid;
          client_->logger()->Log(LogLevel::kDebug, "tracker: registered as follower {}", node);
        } else {
          client_->logger()->Log(LogLevel::kWarn, "tracker: follower registration {}: {}", node,
                             r.status());
        }
      });
  if (!s.ok()) registering_ = false;
}

void Tracker::FetchPlan(bool sync_first) {
  if (stopped_ || plan_fetching_) return;
  plan_fetching_ = true;
  auto get = [this] {
    Watcher w;
    if (!plan_watch_armed_) {
      w = [this](const WatchEvent& e) {
        plan_watch_armed_ = false;
        if (e.type == EventType::kNodeDataChanged || e.type == EventType::kNodeCreated) {
          FetchPlan(true);
        }
      };
    }
    // Exists first: its watch is set even when the plan does not exist yet.
    bool with_watch = static_cast<bool>(w);
    Status s = client_->Exists(plan_path_, std::move(w), [this, with_watch](Result<Stat> st) {
      // An exists watch is registered on success and on ZNONODE.
      if (with_watch) plan_watch_armed_ = st.ok() || st.status().code() == Error::kNoNode;
      if (stopped_ || !st.ok()) {
        plan_fetching_ = false;
        return;
      }
      Status g = client_->GetData(plan_path_, {}, [this](Result<DataResult> d) {
        plan_fetching_ = false;
        if (stopped_ || !d.ok()) return;
        auto plan = ParsePlan(d->data.value_or(""));
        if (!plan.ok()) {
          client_->logger()->Log(LogLevel::kWarn, "tracker: bad plan at {}: {}", plan_path_,
                             plan.status());
          return;
        }
        if (plan->version <= plan_seen_) return;
        plan_seen_ = plan->version;
        pending_plan_ = std::move(plan).value();
        Schedule();
      });
      if (!g.ok()) plan_fetching_ = false;
    });
    if (!s.ok()) plan_fetching_ = false;
  };
  if (!sync_first) {
    get();
    return;
  }
  Status s = client_->Sync(plan_path_, [this, get](Status st) {
    if (stopped_ || !st.ok()) {
      plan_fetching_ = false;
      return;
    }
    get();
  });
  if (!s.ok()) plan_fetching_ = false;
}

void Tracker::Fetch(bool sync_first) {
  if (stopped_ || fetching_) return;
  fetching_ = true;
  auto get = [this] {
    Watcher w;
    if (!watch_armed_) {
      // Any node event ends the one-shot watch: read again, which arms a
      // new one (a data change is the usual event; whatever else comes,
      // tracking must not fall silent). A session event (kNone) means the
      // session ended.
      w = [this](const WatchEvent& e) {
        watch_armed_ = false;
        if (e.type != EventType::kNone) Fetch(true);
      };
    }
    bool with_watch = static_cast<bool>(w);
    Status s = client_->GetConfig(std::move(w), [this, with_watch](Result<ConfigResult> r) {
      fetching_ = false;
      // The watch is registered with a successful reply only.
      if (with_watch) watch_armed_ = r.ok();
      if (stopped_) return;
      if (!r.ok()) {
        // Connection loss: the next connect fetches again.
        client_->logger()->Log(LogLevel::kDebug, "tracker: getConfig failed: {}", r.status());
        return;
      }
      Consider(r.value());
      // A watch event that came while this read was in flight found
      // fetching_ set and was dropped; this read carried no watch then (one
      // was armed when it left). Read again, with a watch, so that the next
      // change is not missed.
      if (!watch_armed_) Fetch(true);
    });
    if (!s.ok()) fetching_ = false;
  };
  if (!sync_first) {
    get();
    return;
  }
  // A follower may lag; sync makes the following read current.
  Status s = client_->Sync("/zookeeper/config", [this, get](Status st) {
    if (stopped_) return;
    if (!st.ok()) {
      fetching_ = false;
      return;
    }
    get();
  });
  if (!s.ok()) fetching_ = false;
}

// Every config, the first one a session reads included, waits for the
// jitter: the first one too may move the session (a connect string naming
// one server of five, or names where the config has addresses), and a
// thousand clients started together would otherwise all move at once. Until
// then the user's connect string stays the provider's list.
void Tracker::Consider(const ConfigResult& cfg) {
  if (cfg.version <= seen_version_ || cfg.connect_addresses.empty()) return;
  seen_version_ = cfg.version;
  std::string cs;
  for (const auto& h : cfg.connect_addresses) {
    if (!cs.empty()) cs += ',';
    cs += h.ToString();
  }
  cs += client_->chroot();
  pending_connect_ = cs;
  client_->logger()->Log(LogLevel::kInfo, "tracker: config version {:x} ({})", cfg.version, cs);
  Schedule();
}

void Tracker::Schedule() {
  auto delay = jitter_.count() <= 0
                   ? std::chrono::milliseconds(0)
                   : std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(
                         0, jitter_.count())(rng_));
  if (timer_ == nullptr) {
    timer_ = new uv_timer_t;
    uv_timer_init(client_->loop(), timer_);
    timer_->data = this;
  }
  uv_timer_start(timer_, &Tracker::OnJitter, static_cast<uint64_t>(delay.count()), 0);
}

void Tracker::OnJitter(uv_timer_t* t) {
  auto* self = static_cast<Tracker*>(t->data);
  self->Apply();
}

void Tracker::Apply() {
  if (stopped_) return;
  if (pending_plan_) {
    RebalancePlan plan = std::move(*pending_plan_);
    pending_plan_.reset();
    client_->ApplyPlan(plan);
  }
  if (pending_connect_.empty()) return;
  std::string cs = std::move(pending_connect_);
  pending_connect_.clear();
  applied_version_ = seen_version_;
  Status s = client_->UpdateServerList(cs);
  if (!s.ok()) client_->logger()->Log(LogLevel::kWarn, "tracker: UpdateServerList: {}", s);
}

}  // namespace zk::client_internal
