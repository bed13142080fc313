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

// OpCodeName and AllOpCodes: op_table.cc, from the opcode table.

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
