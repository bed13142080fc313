// Transport framing: every message in either direction is
// an int32 big-endian length followed by that many payload bytes.
//
// FrameSplitter turns a byte stream, in any chunking, into frame payloads;
// the Append*/Encode* functions build frames. No I/O here.
#ifndef ZK_WIRE_FRAME_H_
#define ZK_WIRE_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "zk/wire/jute.h"
#include "zk/wire/status.h"

namespace zk::wire {

inline constexpr std::size_t kFrameLengthSize = 4;
// The largest payload a ZooKeeper peer accepts by default (jute.maxbuffer);
// a server closes the connection on a longer frame, a Java client drops it.
inline constexpr int64_t kDefaultMaxFrameLength = kDefaultJuteMaxBuffer;

// Usage (either side):
//   FrameSplitter splitter;
//   void OnRead(std::string_view bytes) {
//     splitter.Feed(bytes);
//     std::string_view payload;
//     while (splitter.Next(&payload)) Handle(payload);
//     if (!splitter.ok()) Close(splitter.status());
//   }
//
// A server that must recognise four-letter words looks at buffered() before
// the first Next() of a connection (see four_letter.h): "ruok" read as a
// length is far over the limit.
//
// Thread safety: none; one splitter per connection.
class FrameSplitter {
 public:
  // Frames longer than max_frame_length fail the splitter.
  explicit FrameSplitter(int64_t max_frame_length = kDefaultMaxFrameLength)
      : max_length_(max_frame_length) {}

  // Appends received bytes. Ignored once the splitter has failed.
  // Invalidates the views returned by earlier Next() calls.
  void Feed(std::string_view bytes);

  // If a whole frame is buffered, sets *payload to it (without the length
  // prefix) and returns true. Returns false when more bytes are needed, or
  // when the next length is negative or over the limit: then ok() turns
  // false for good, with a kMarshallingError status such as
  // "frame length 1048576 exceeds limit 1048575 at stream offset 0".
  // *payload stays valid until the next Feed() or the splitter's destruction.
  bool Next(std::string_view* payload);

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // The bytes received but not yet returned as frames.
  std::string_view buffered() const;
  // Total bytes consumed as frames (length prefixes included).
  uint64_t consumed() const { return consumed_total_; }
  int64_t max_frame_length() const { return max_length_; }

 private:
  int64_t max_length_;
  std::string buffer_;
  std::size_t start_ = 0;  // first unconsumed byte of buffer_
  uint64_t consumed_total_ = 0;
  Status status_;
};

// Appends length + payload to *out. REQUIRES: payload.size() <= INT32_MAX.
void AppendFrame(std::string* out, std::string_view payload);
std::string EncodeFrame(std::string_view payload);

// Appends one frame holding `records` encoded back to back, e.g.
//   AppendRecordsFrame(&out, RequestHeader{7, OpCode::kGetData}, GetDataRequest{"/a", true});
// The length is back-patched, so the payload is encoded exactly once.
template <typename... Records>
void AppendRecordsFrame(std::string* out, const Records&... records) {
  Writer w(out);
  const std::size_t start = w.size();
  w.Int(0);
  (Encode(w, records), ...);
  w.PatchInt(start, static_cast<int32_t>(w.size() - start - kFrameLengthSize));
}

template <typename... Records>
std::string EncodeRecordsFrame(const Records&... records) {
  std::string out;
  AppendRecordsFrame(&out, records...);
  return out;
}

}  // namespace zk::wire

#endif  // ZK_WIRE_FRAME_H_
