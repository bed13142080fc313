#include "zk/wire/protocol.h"

#include <array>
#include <utility>

namespace zk::wire {
namespace {

template <typename E, std::size_t N>
std::string_view Lookup(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<OpCode, std::string_view>, 33> kOpNames = {{
    {OpCode::kNotification, "notification"},
    {OpCode::kCreate, "create"},
    {OpCode::kDelete, "delete"},
    {OpCode::kExists, "exists"},
    {OpCode::kGetData, "getData"},
    {OpCode::kSetData, "setData"},
    {OpCode::kGetAcl, "getACL"},
    {OpCode::kSetAcl, "setACL"},
    {OpCode::kGetChildren, "getChildren"},
    {OpCode::kSync, "sync"},
    {OpCode::kPing, "ping"},
    {OpCode::kGetChildren2, "getChildren2"},
    {OpCode::kCheck, "check"},
    {OpCode::kMulti, "multi"},
    {OpCode::kCreate2, "create2"},
    {OpCode::kReconfig, "reconfig"},
    {OpCode::kCheckWatches, "checkWatches"},
    {OpCode::kRemoveWatches, "removeWatches"},
    {OpCode::kCreateContainer, "createContainer"},
    {OpCode::kDeleteContainer, "deleteContainer"},
    {OpCode::kCreateTtl, "createTTL"},
    {OpCode::kMultiRead, "multiRead"},
    {OpCode::kAuth, "auth"},
    {OpCode::kSetWatches, "setWatches"},
    {OpCode::kSasl, "sasl"},
    {OpCode::kGetEphemerals, "getEphemerals"},
    {OpCode::kGetAllChildrenNumber, "getAllChildrenNumber"},
    {OpCode::kSetWatches2, "setWatches2"},
    {OpCode::kAddWatch, "addWatch"},
    {OpCode::kWhoAmI, "whoAmI"},
    {OpCode::kCreateSession, "createSession"},
    {OpCode::kCloseSession, "closeSession"},
    {OpCode::kError, "error"},
}};

constexpr std::array<OpCode, kOpNames.size()> MakeAllOps() {
  std::array<OpCode, kOpNames.size()> all{};
  for (std::size_t i = 0; i < kOpNames.size(); ++i) all[i] = kOpNames[i].first;
  return all;
}
constexpr std::array kAllOps = MakeAllOps();

constexpr std::array<std::pair<CreateMode, std::string_view>, 7> kCreateModeNames = {{
    {CreateMode::kPersistent, "PERSISTENT"},
    {CreateMode::kEphemeral, "EPHEMERAL"},
    {CreateMode::kPersistentSequential, "PERSISTENT_SEQUENTIAL"},
    {CreateMode::kEphemeralSequential, "EPHEMERAL_SEQUENTIAL"},
    {CreateMode::kContainer, "CONTAINER"},
    {CreateMode::kPersistentWithTtl, "PERSISTENT_WITH_TTL"},
    {CreateMode::kPersistentSequentialWithTtl, "PERSISTENT_SEQUENTIAL_WITH_TTL"},
}};

constexpr std::array<std::pair<EventType, std::string_view>, 8> kEventNames = {{
    {EventType::kNone, "None"},
    {EventType::kNodeCreated, "NodeCreated"},
    {EventType::kNodeDeleted, "NodeDeleted"},
    {EventType::kNodeDataChanged, "NodeDataChanged"},
    {EventType::kNodeChildrenChanged, "NodeChildrenChanged"},
    {EventType::kDataWatchRemoved, "DataWatchRemoved"},
    {EventType::kChildWatchRemoved, "ChildWatchRemoved"},
    {EventType::kPersistentWatchRemoved, "PersistentWatchRemoved"},
}};

constexpr std::array<std::pair<KeeperState, std::string_view>, 9> kStateNames = {{
    {KeeperState::kUnknown, "Unknown"},
    {KeeperState::kDisconnected, "Disconnected"},
    {KeeperState::kNoSyncConnected, "NoSyncConnected"},
    {KeeperState::kSyncConnected, "SyncConnected"},
    {KeeperState::kAuthFailed, "AuthFailed"},
    {KeeperState::kConnectedReadOnly, "ConnectedReadOnly"},
    {KeeperState::kSaslAuthenticated, "SaslAuthenticated"},
    {KeeperState::kClosed, "Closed"},
    {KeeperState::kExpired, "Expired"},
}};

constexpr std::array<std::pair<WatcherType, std::string_view>, 5> kWatcherTypeNames = {{
    {WatcherType::kChildren, "Children"},
    {WatcherType::kData, "Data"},
    {WatcherType::kAny, "Any"},
    {WatcherType::kPersistent, "Persistent"},
    {WatcherType::kPersistentRecursive, "PersistentRecursive"},
}};

constexpr std::array<std::pair<AddWatchMode, std::string_view>, 2> kAddWatchModeNames = {{
    {AddWatchMode::kPersistent, "PERSISTENT"},
    {AddWatchMode::kPersistentRecursive, "PERSISTENT_RECURSIVE"},
}};

}  // namespace

std::string_view OpCodeName(OpCode op) { return Lookup(kOpNames, op); }
std::span<const OpCode> AllOpCodes() { return kAllOps; }

std::optional<OpCode> SpecialXidOpCode(int32_t xid) {
  switch (xid) {
    case kNotificationXid:
      return OpCode::kNotification;
    case kPingXid:
      return OpCode::kPing;
    case kAuthXid:
      return OpCode::kAuth;
    case kSetWatchesXid:
      return OpCode::kSetWatches;
    default:
      return std::nullopt;
  }
}

std::string_view CreateModeName(CreateMode mode) { return Lookup(kCreateModeNames, mode); }

bool IsValidCreateMode(CreateMode mode) {
  auto v = static_cast<int32_t>(mode);
  return v >= 0 && v <= 6;
}

bool IsEphemeral(CreateMode mode) {
  return mode == CreateMode::kEphemeral || mode == CreateMode::kEphemeralSequential;
}

bool IsSequential(CreateMode mode) {
  return mode == CreateMode::kPersistentSequential || mode == CreateMode::kEphemeralSequential ||
         mode == CreateMode::kPersistentSequentialWithTtl;
}

bool IsContainer(CreateMode mode) { return mode == CreateMode::kContainer; }

bool IsTtl(CreateMode mode) {
  return mode == CreateMode::kPersistentWithTtl || mode == CreateMode::kPersistentSequentialWithTtl;
}

std::string_view EventTypeName(EventType type) { return Lookup(kEventNames, type); }
std::string_view KeeperStateName(KeeperState state) { return Lookup(kStateNames, state); }
std::string_view WatcherTypeName(WatcherType type) { return Lookup(kWatcherTypeNames, type); }
std::string_view AddWatchModeName(AddWatchMode mode) { return Lookup(kAddWatchModeNames, mode); }

}  // namespace zk::wire
