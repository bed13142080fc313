#include "zk/wire/status.h"

namespace zk {

std::string Status::ToString() const {
  if (ok()) return "OK";
  if (message_.empty()) return fmt::format("{} ({})", ErrorName(code_), ErrorMessage(code_));
  return fmt::format("{}: {}", ErrorName(code_), message_);
}

}  // namespace zk
