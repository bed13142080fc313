// Watch events and watchers.
#ifndef ZK_CLIENT_WATCH_H_
#define ZK_CLIENT_WATCH_H_

#include <cstdint>
#include <functional>
#include <string>

#include "zk/wire/protocol.h"

namespace zk {

// Event types, watcher kinds and addWatch modes are the wire's enums.
using EventType = wire::EventType;
using WatcherKind = wire::WatcherType;
using AddWatchMode = wire::AddWatchMode;

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

struct WatchEvent {
  EventType type = EventType::kNone;
  SessionState state = SessionState::kConnected;
  std::string path;  // chroot already stripped; empty for session events
};

// Called on the loop thread, exactly once per event. When the session ends
// (Expired, Closed, AuthFailed), every watch still registered, one-shot or
// persistent, is called once more with {kNone, that state, ""} and is then
// forgotten (Java delivers such a None event to every watcher too).
using Watcher = std::function<void(const WatchEvent&)>;

}  // namespace zk

#endif  // ZK_CLIENT_WATCH_H_
