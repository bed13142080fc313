// Fuzz target: the session core fed arbitrary server bytes (no sockets).
// Input layout: byte 0 selects whether a valid handshake comes first; the
// rest is split into chunks by the following length bytes, and between
// chunks the target submits requests and advances time, so the reply,
// notification, timer and reconnect paths are all reached. Bit 1 of byte 0
// allows read-only servers and bit 2 makes the handshake read-only, so the
// isro probe path runs too (probes answer "rw" or "ro" by input position).
// Bit 3 configures SASL with a mechanism whose every step (another token, a
// last token, completion, failure) is read from the input, so the exchange
// after the handshake (sasl replies, refusals, stray frames) is fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "session_core.h"
#include "zk/wire/jute.h"

using namespace zk::client_internal;

namespace {

class InputMechanism : public SaslMechanism {
 public:
  InputMechanism(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  std::string Name() const override { return "FUZZ"; }
  zk::Result<SaslStep> Start(const std::string&) override { return Next(); }
  zk::Result<SaslStep> Step(std::string_view) override { return Next(); }

 private:
  zk::Result<SaslStep> Next() {
    uint8_t b = data_[(calls_++ * 7 + 1) % size_];
    switch (b % 5) {
      case 0:
        return zk::Status(zk::Error::kAuthFailed, "fuzz");
      case 1:
        return SaslStep{false, {}, true};
      case 2:
        return SaslStep{true, "last", true};
      default:
        return SaslStep{true, std::string(b % 3, 't'), false};
    }
  }
  const uint8_t* data_;
  size_t size_;
  size_t calls_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  SessionConfig config;
  config.can_be_read_only = (data[0] & 2) != 0;
  if (data[0] & 8) config.sasl = std::make_shared<InputMechanism>(data, size);
  SessionCore core(config,
                   zk::HostProvider::Create({{"10.0.0.1", 1}, {"10.0.0.2", 2}},
                                            zk::ProviderOptions{}, 1)
                       .value(),
                   zk::Logger::Null());
  TimePoint now{};
  core.Start(now);
  (void)core.TakeConnectOrder();
  core.OnTransportConnected(now);
  if (data[0] & 1) {
    std::string hello;
    zk::wire::Writer w(&hello);
    w.Int(37);
    w.Int(0);
    w.Int(3000);
    w.Long(0x1234);
    w.Buffer(std::string(16, 'p'));
    w.Bool((data[0] & 4) != 0);
    core.OnBytes(hello.data(), hello.size(), now);
  }
  size_t pos = 1;
  int submitted = 0;
  while (pos < size) {
    size_t chunk = std::min<size_t>(size - pos, 1 + data[pos] % 64);
    ++pos;
    chunk = std::min(chunk, size - pos);
    core.OnBytes(reinterpret_cast<const char*>(data + pos), chunk, now);
    pos += chunk;
    if (submitted < 8) {
      Request r;
      r.op = 4;
      r.body = "/x";
      r.watch_on = WatchOn::kOkData;
      r.watch_path = "/x";
      r.watcher = [](const zk::WatchEvent&) {};
      r.done = [](const Reply&) {};
      (void)core.Submit(std::move(r));
      ++submitted;
    }
    now += std::chrono::milliseconds(pos % 700);
    core.OnTimer(now);
    if (core.TakeDropOrder() || core.TakeConnectOrder()) {
      core.OnTransportConnected(now);
    }
    (void)core.TakeProbeCancel();
    if (auto probe = core.TakeProbeOrder()) {
      core.OnProbeReply(probe->host, (pos & 1) ? "rw" : "ro", now);
    }
    (void)core.TakeOutput();
    core.RunCallbacks();
  }
  core.Close(now);
  core.RunCallbacks();
  return 0;
}
