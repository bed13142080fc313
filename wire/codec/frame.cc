#include "zk/wire/frame.h"

#include <fmt/format.h>

namespace zk::wire {

void FrameSplitter::Feed(std::string_view bytes) {
  if (!ok() || bytes.empty()) return;
  // Drop what earlier Next() calls consumed; this is the only place the
  // buffer moves, which is why views stay valid until the next Feed().
  if (start_ > 0) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

bool FrameSplitter::Next(std::string_view* payload) {
  if (!ok()) return false;
  const std::size_t avail = buffer_.size() - start_;
  if (avail < kFrameLengthSize) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(buffer_.data() + start_);
  const auto len = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                        (uint32_t{p[2]} << 8) | uint32_t{p[3]});
  if (len < 0) {
    status_ =
        Status(Error::kMarshallingError,
               fmt::format("negative frame length {} at stream offset {}", len, consumed_total_));
    return false;
  }
  if (len > max_length_) {
    status_ = Status(Error::kMarshallingError,
                     fmt::format("frame length {} exceeds limit {} at stream offset {}", len,
                                 max_length_, consumed_total_));
    return false;
  }
  const std::size_t total = kFrameLengthSize + static_cast<std::size_t>(len);
  if (avail < total) return false;
  *payload =
      std::string_view(buffer_).substr(start_ + kFrameLengthSize, static_cast<std::size_t>(len));
  start_ += total;
  consumed_total_ += total;
  return true;
}

std::string_view FrameSplitter::buffered() const {
  return std::string_view(buffer_).substr(start_);
}

void AppendFrame(std::string* out, std::string_view payload) {
  Writer w(out);
  w.Int(static_cast<int32_t>(payload.size()));
  w.Raw(payload);
}

std::string EncodeFrame(std::string_view payload) {
  std::string out;
  out.reserve(kFrameLengthSize + payload.size());
  AppendFrame(&out, payload);
  return out;
}

}  // namespace zk::wire
