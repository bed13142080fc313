// Fuzz target for zksim's request path: the bytes go straight into one
// ServerConnection (framing, handshake, every opcode) of a 3-server
// ensemble on a manual clock. No sockets. Must never crash or hang; a bad
// frame closes only that connection.
#include <cstddef>
#include <cstdint>
#include <string>

#include "clock.h"
#include "ensemble.h"
#include "server_connection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zk::sim::ManualClock clock;
  zk::sim::EnsembleOptions o;
  o.super_digest = "super:Wld4W5lcg95+nlyDmUL+CKf8Hmc=";
  zk::sim::Ensemble ens(o, &clock, {});
  zk::sim::ServerConnection::Sink sink;
  size_t out = 0;
  sink.send = [&](std::string b) { out += b.size(); };
  sink.close = [](const std::string&) {};
  sink.four_letter = [](const std::string&) { return std::string("imok"); };
  zk::sim::ServerConnection c(&ens, 1, 1, "127.0.0.1", 1, sink);
  ens.Server(1)->conns.insert(1);
  // Feed in two pieces to exercise partial frames.
  size_t half = size / 2;
  c.Feed(std::string_view(reinterpret_cast<const char*>(data), half));
  c.Feed(std::string_view(reinterpret_cast<const char*>(data) + half, size - half));
  clock.Advance(100000);
  ens.Tick();
  return 0;
}
