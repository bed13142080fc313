#include "zk/wire/protocol.h"

#include <catch2/catch.hpp>
#include <set>

#include "zk/wire/records.h"

namespace zk::wire {

TEST_CASE("protocol: opcode values and Java names", "[codec][protocol]") {
  CHECK(AllOpCodes().size() == 33);
  std::set<std::string_view> names;
  for (OpCode op : AllOpCodes()) {
    CHECK(OpCodeName(op) != "unknown");
    names.insert(OpCodeName(op));
  }
  CHECK(names.size() == AllOpCodes().size());
  CHECK(static_cast<int32_t>(OpCode::kWhoAmI) == 107);
  CHECK(static_cast<int32_t>(OpCode::kCloseSession) == -11);
  CHECK(OpCodeName(OpCode::kGetAcl) == "getACL");
  CHECK(OpCodeName(OpCode::kCreateTtl) == "createTTL");
  CHECK(OpCodeName(OpCode::kGetChildren2) == "getChildren2");
  CHECK(OpCodeName(static_cast<OpCode>(77)) == "unknown");
  CHECK(fmt::format("{}", OpCode::kMultiRead) == "multiRead");
  CHECK(fmt::format("{}", static_cast<OpCode>(77)) == "unknown(77)");
}

TEST_CASE("protocol: special xids", "[codec][protocol]") {
  CHECK(SpecialXidOpCode(-1) == OpCode::kNotification);
  CHECK(SpecialXidOpCode(-2) == OpCode::kPing);
  CHECK(SpecialXidOpCode(-4) == OpCode::kAuth);
  CHECK(SpecialXidOpCode(-8) == OpCode::kSetWatches);
  CHECK_FALSE(SpecialXidOpCode(1).has_value());
  CHECK_FALSE(SpecialXidOpCode(-3).has_value());
}

TEST_CASE("protocol: events and states print as zkCli prints them", "[codec][protocol]") {
  CHECK(EventTypeName(EventType::kNodeDataChanged) == "NodeDataChanged");
  CHECK(EventTypeName(EventType::kNone) == "None");
  CHECK(EventTypeName(EventType::kPersistentWatchRemoved) == "PersistentWatchRemoved");
  CHECK(KeeperStateName(KeeperState::kSyncConnected) == "SyncConnected");
  CHECK(KeeperStateName(KeeperState::kExpired) == "Expired");
  CHECK(KeeperStateName(KeeperState::kConnectedReadOnly) == "ConnectedReadOnly");
  CHECK(KeeperStateName(static_cast<KeeperState>(2)) == "unknown");
  CHECK(fmt::format("{}", static_cast<KeeperState>(2)) == "unknown(2)");
  CHECK(FormatWatchedEvent({EventType::kNodeDataChanged, KeeperState::kSyncConnected, "/x"}) ==
        "WatchedEvent state:SyncConnected type:NodeDataChanged path:/x");
  CHECK(FormatWatchedEvent({EventType::kNone, KeeperState::kDisconnected, ""}) ==
        "WatchedEvent state:Disconnected type:None path:");
  CHECK(WatcherTypeName(WatcherType::kPersistentRecursive) == "PersistentRecursive");
  CHECK(AddWatchModeName(AddWatchMode::kPersistentRecursive) == "PERSISTENT_RECURSIVE");
}

TEST_CASE("protocol: create modes, ephemeralOwner encodings, ACLs", "[codec][protocol]") {
  CHECK(CreateModeName(CreateMode::kEphemeralSequential) == "EPHEMERAL_SEQUENTIAL");
  CHECK(IsEphemeral(CreateMode::kEphemeralSequential));
  CHECK_FALSE(IsEphemeral(CreateMode::kContainer));
  CHECK(IsSequential(CreateMode::kPersistentSequentialWithTtl));
  CHECK(IsTtl(CreateMode::kPersistentWithTtl));
  CHECK(IsContainer(CreateMode::kContainer));
  CHECK(IsValidCreateMode(CreateMode::kPersistentSequentialWithTtl));
  CHECK_FALSE(IsValidCreateMode(static_cast<CreateMode>(7)));
  CHECK_FALSE(IsValidCreateMode(static_cast<CreateMode>(-1)));
  CHECK(static_cast<int32_t>(CreateMode::kPersistentSequential) == kSequenceFlag);

  CHECK(static_cast<uint64_t>(kContainerEphemeralOwner) == 0x8000000000000000ULL);
  CHECK(static_cast<uint64_t>(TtlEphemeralOwner(1)) == 0xff00000000000001ULL);
  CHECK(IsTtlEphemeralOwner(TtlEphemeralOwner(kMaxTtlMs)));
  CHECK_FALSE(IsTtlEphemeralOwner(kContainerEphemeralOwner));
  CHECK_FALSE(IsTtlEphemeralOwner(0x01000009725d0001));
  CHECK(TtlFromEphemeralOwner(TtlEphemeralOwner(60000)) == 60000);

  CHECK(kPermAll == (kPermRead | kPermWrite | kPermCreate | kPermDelete | kPermAdmin));
  CHECK(OpenAclUnsafe() == std::vector<Acl>{{31, {"world", "anyone"}}});
  CHECK(ReadAclUnsafe() == std::vector<Acl>{{1, {"world", "anyone"}}});
  CHECK(CreatorAllAcl() == std::vector<Acl>{{31, {"auth", ""}}});
}

}  // namespace zk::wire
