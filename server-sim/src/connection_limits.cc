#include "connection_limits.h"

#include <fmt/format.h>

namespace zk::sim {

bool ShouldPauseReading(const ConnectionLimits& limits, const ConnectionLoad& load) {
  return load.outstanding >= limits.max_outstanding || load.unsent_bytes >= limits.max_unsent_bytes;
}

bool ShouldResumeReading(const ConnectionLimits& limits, const ConnectionLoad& load) {
  return load.outstanding <= limits.max_outstanding / 2 &&
         load.unsent_bytes <= limits.max_unsent_bytes / 2;
}

std::string FrameLengthError(const std::string& remote_ip, int remote_port, int64_t length,
                             int64_t jute_max_buffer) {
  return fmt::format(
      "Len error. A message from /{}:{} with advertised length of {} is either a malformed "
      "message or too large to process (length is greater than jute.maxbuffer={})",
      remote_ip, remote_port, length, jute_max_buffer);
}

bool PeekFrameLength(std::string_view buffered, int64_t* length) {
  if (buffered.size() < 4) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(buffered.data());
  *length = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                 (uint32_t{p[2]} << 8) | uint32_t{p[3]});
  return true;
}

}  // namespace zk::sim
