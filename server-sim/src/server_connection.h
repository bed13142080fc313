// One client connection's protocol state on one simulated server: framing,
// the handshake, per-connection request ordering, and every opcode. Does no
// I/O (nghttp2-style): bytes go in through Feed(), bytes and close requests
// come out through the Sink. The libuv adapter (listener.cc) and the fuzz
// target drive it the same way.
#ifndef ZK_SIM_SERVER_CONNECTION_H_
#define ZK_SIM_SERVER_CONNECTION_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "acl.h"
#include "ensemble.h"
#include "prep.h"
#include "zk/wire/frame.h"
#include "zk/wire/jute.h"
#include "zk/wire/messages.h"
#include "zk/wire/requests.h"
#include "zk/wire/status.h"

namespace zk::sim {

class DigestMd5Server;

class ServerConnection {
 public:
  struct Sink {
    std::function<void(std::string bytes)> send;
    // Close after flushing what was sent. Called at most once.
    std::function<void(const std::string& reason)> close;
    // A four-letter word arrived as the first bytes; returns its text.
    std::function<std::string(const std::string& word)> four_letter;
    // Consulted before each queued request (empty: always true): false
    // leaves the rest queued until Resume() (connection_limits.h).
    std::function<bool()> may_proceed;
  };

  // `max_frame_length`: jute.maxbuffer (connection_limits.h); a longer
  // frame closes the connection with ZooKeeper's "Len error" reason.
  ServerConnection(Ensemble* ens, int64_t server, uint64_t conn, std::string remote_ip,
                   int remote_port, Sink sink,
                   int64_t max_frame_length = wire::kDefaultMaxFrameLength);
  ~ServerConnection();
  ServerConnection(const ServerConnection&) = delete;
  ServerConnection& operator=(const ServerConnection&) = delete;

  void Feed(std::string_view bytes);
  // Handles queued requests again after Sink::may_proceed said false.
  void Resume() { Pump(); }
  // A watch notification for this connection.
  void Notify(EventType type, const std::string& path);
  // Marks the connection closed (no more output, pending work dropped).
  void Detach();
  // An identity established outside the protocol (x509 from the TLS
  // handshake, sim_server's TLS adapter).
  void AddAuth(const AclId& id) { auth_.Add(id); }

  uint64_t id() const { return conn_; }
  int64_t server() const { return server_; }
  int64_t session_id() const { return session_id_; }
  const std::string& remote_ip() const { return remote_ip_; }
  int remote_port() const { return remote_port_; }
  bool closed() const { return closed_; }

  // Counters for cons/stat/admin.
  int64_t received = 0;
  int64_t sent = 0;
  int64_t established_ms = 0;
  int32_t timeout_ms = 0;
  int32_t last_cxid = -1;
  int64_t last_zxid = -1;
  std::string last_op = "NA";
  int64_t last_response_ms = 0;
  int64_t last_latency = 0, min_latency = -1, max_latency = 0, total_latency = 0, count = 0;
  size_t queued() const { return frames_.size(); }

 private:
  void Pump();
  void Complete();
  void HandleConnect(std::string_view frame);
  // Decodes one request, applies the read-only rule and dispatches it to
  // its handler. Returns false if the request is pending (the queue waits
  // for it).
  bool HandleRequest(std::string_view frame);

  // One decoded request, as every per-operation handler gets it.
  struct Call {
    int32_t xid = 0;
    wire::OpCode op{};
    int64_t start_ms = 0;  // for the latency counters
    wire::RequestBody body;
  };
  // A per-operation handler (request_handlers.cc). Returns false if the
  // reply waits for a commit or a sync (Complete() is called then).
  using Handler = bool (ServerConnection::*)(const Call& call);
  // The handler of `op`; nullptr for an operation zksim does not serve
  // (answered UNIMPLEMENTED, then closed).
  static Handler HandlerFor(wire::OpCode op);
  bool HandlePing(const Call& call);
  bool HandleAuth(const Call& call);
  bool HandleWrite(const Call& call);  // create*, delete, setData, setACL
  bool HandleMulti(const Call& call);
  bool HandleCloseSession(const Call& call);
  bool HandleSync(const Call& call);
  bool HandleRead(const Call& call);  // exists, getData, getChildren, getChildren2
  bool HandleGetAcl(const Call& call);
  bool HandleMultiRead(const Call& call);
  bool HandleWatchCheck(const Call& call);  // checkWatches, removeWatches
  bool HandleSetWatches(const Call& call);
  bool HandleSetWatches2(const Call& call);
  bool HandleGetEphemerals(const Call& call);
  bool HandleGetAllChildrenNumber(const Call& call);
  bool HandleAddWatch(const Call& call);
  bool HandleWhoAmI(const Call& call);
  bool HandleReconfigCall(const Call& call);
  bool HandleSaslCall(const Call& call);  // sasl_packet.cc
  bool HandleReconfig(const wire::ReconfigRequest& req, int32_t xid, int64_t start_ms);
  // The sasl packet (sasl_packet.cc).
  void HandleSasl(const wire::GetSaslRequest& req, int32_t xid);
  // zookeeper.enforce.auth.* (auth_enforcement.cc): false when the request
  // was refused and the connection closed.
  bool EnforceAuth(int32_t xid, wire::OpCode op);

  // Shared by the handlers.
  // Submits a write to the leader; `make_reply` runs once this server has
  // applied it. Returns false (the request is pending).
  bool SubmitWrite(TxnBody txn, std::function<void(const Txn&)> make_reply);
  PrepContext MakePrepContext() const;
  bool Readable(const Node& n) const;
  wire::Stat StatOf(const std::string& path) const;
  // UNIMPLEMENTED with zxid -1, then close (ZooKeeper's answer to an
  // operation it does not know).
  void Unimplemented(int32_t xid, wire::OpCode op);
  void Reply(int32_t xid, Error err, const std::string& body, int64_t start_ms);
  void Fail(const std::string& reason);
  int64_t Zxid() const;

  Ensemble* ens_;
  int64_t server_;
  uint64_t conn_;
  std::string remote_ip_;
  int remote_port_;
  Sink sink_;
  AuthInfo auth_;
  wire::FrameSplitter splitter_;
  std::deque<std::string> frames_;
  bool handshake_done_ = false;
  bool first_bytes_ = true;
  bool busy_ = false;
  bool in_handler_ = false;
  bool completed_inline_ = false;  // a request is waiting for a commit or sync
  bool closed_ = false;
  bool old_client_ = false;  // 3.3-era ConnectRequest without readOnly
  int64_t session_id_ = 0;
  std::unique_ptr<DigestMd5Server> sasl_;  // created by the first sasl packet
  // Guards callbacks that may run after this object is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace zk::sim

#endif  // ZK_SIM_SERVER_CONNECTION_H_
