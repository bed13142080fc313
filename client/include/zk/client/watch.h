// Watch events and watchers.
#ifndef ZK_CLIENT_WATCH_H_
#define ZK_CLIENT_WATCH_H_

#include <cstdint>
#include <functional>
#include <string>

namespace zk {

// EventType values as on the wire (PROTOCOL.md §5.1).
enum class EventType : int32_t {
  kNone = -1,  // session state change
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
  kDataWatchRemoved = 5,
  kChildWatchRemoved = 6,
  kPersistentWatchRemoved = 7,
};

// Session states reported to the session watcher.
enum class SessionState {
  kConnecting,         // first connect in progress
  kConnected,          // attached to a read-write server
  kConnectedReadOnly,  // attached to a read-only server
  kDisconnected,       // lost the connection; reconnecting, the session lives
  kExpired,            // terminal: the server forgot the session
  kAuthFailed,         // terminal: an auth packet was refused
  kClosed,             // terminal: Close() completed
};

std::string_view SessionStateName(SessionState s);
std::string_view EventTypeName(EventType t);

struct WatchEvent {
  EventType type = EventType::kNone;
  SessionState state = SessionState::kConnected;
  std::string path;  // chroot already stripped; empty for session events
};

// Called on the loop thread, exactly once per event.
using Watcher = std::function<void(const WatchEvent&)>;

// WatcherType for removeWatches (PROTOCOL.md §5.1).
enum class WatcherKind : int32_t {
  kChildren = 1,
  kData = 2,
  kAny = 3,
  kPersistent = 4,
  kPersistentRecursive = 5,
};

// addWatch modes.
enum class AddWatchMode : int32_t { kPersistent = 0, kPersistentRecursive = 1 };

}  // namespace zk

#endif  // ZK_CLIENT_WATCH_H_
