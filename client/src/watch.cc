#include "zk/client/watch.h"

namespace zk {

std::string_view SessionStateName(SessionState s) {
  switch (s) {
    case SessionState::kConnecting: return "Connecting";
    case SessionState::kConnected: return "Connected";
    case SessionState::kConnectedReadOnly: return "ConnectedReadOnly";
    case SessionState::kDisconnected: return "Disconnected";
    case SessionState::kExpired: return "Expired";
    case SessionState::kAuthFailed: return "AuthFailed";
    case SessionState::kClosed: return "Closed";
  }
  return "?";
}

}  // namespace zk
