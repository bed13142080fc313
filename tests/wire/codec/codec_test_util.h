// Helpers shared by the codec tests: hex conversion and the parser of the
// frame logs captured from real ZooKeeper traffic (tests/wire/data/captures).
#ifndef ZK_TESTS_WIRE_CODEC_CODEC_TEST_UTIL_H_
#define ZK_TESTS_WIRE_CODEC_CODEC_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/protocol.h"

namespace zk::wire::testing {

// "0001ff" -> bytes. Spaces and '|' are skipped so that vectors can be
// written field by field. Aborts the test on a malformed string.
std::string FromHex(std::string_view hex);
std::string ToHex(std::string_view bytes);

// One frame of a capture log line such as
//   "03:02:30 c1 C->S len=45 0000...": payload without the length prefix.
struct CapturedFrame {
  std::string file;  // base name, e.g. "wire_java.log"
  int line = 0;
  std::string connection;  // "c1"
  bool client_to_server = false;
  std::string payload;
};

// A non-frame line ("c2 C->S NONFRAME b'envi'"): the raw bytes sent.
struct CapturedRaw {
  std::string file;
  std::string connection;
  bool client_to_server = false;
  std::string bytes;
};

struct Capture {
  std::vector<CapturedFrame> frames;
  std::vector<CapturedRaw> raw;
};

// The folder with the capture logs (ZK_TEST_DATA_DIR "/captures").
std::string CaptureDir();
// Every wire_*.log in CaptureDir(), sorted by name.
std::vector<std::string> CaptureFiles();
// Parses one log; a frame whose len= disagrees with its hex fails the test.
Capture ParseCapture(const std::string& path);

// What a captured frame holds, from its place in the connection: the first
// frame each way is the handshake; a reply's op is that of the request with
// its xid (or implied by a special xid).
enum class FrameKind { kConnectRequest, kConnectResponse, kRequest, kReply };
struct ClassifiedFrame {
  CapturedFrame frame;
  FrameKind kind = FrameKind::kRequest;
  OpCode reply_to = OpCode::kNotification;  // for kReply
};
// Every frame of every capture file, classified.
std::vector<ClassifiedFrame> ClassifiedCaptureFrames();

}  // namespace zk::wire::testing

#endif  // ZK_TESTS_WIRE_CODEC_CODEC_TEST_UTIL_H_
