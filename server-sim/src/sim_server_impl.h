// Private state of SimServer (see zk/sim/sim_server.h).
#ifndef ZK_SIM_SIM_SERVER_IMPL_H_
#define ZK_SIM_SIM_SERVER_IMPL_H_

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <uv.h>

#include "connection_limits.h"
#include "ensemble.h"
#include "server_connection.h"
#include "tls_session.h"
#include "zk/sim/sim_server.h"

namespace zk::sim {

class LoopClock : public Clock {
 public:
  explicit LoopClock(uv_loop_t* loop);
  int64_t NowMs() const override;
  int64_t WallMs() const override;

 private:
  uv_loop_t* loop_;
  int64_t wall_offset_;
};

struct UvConn {
  uv_tcp_t tcp;
  std::unique_ptr<TlsSession> tls;  // accepted on a secure listener
  SimServerImpl* owner = nullptr;
  uint64_t id = 0;
  int64_t server = 0;
  std::unique_ptr<ServerConnection> proto;
  std::string out;
  bool closing = false;
  bool dirty = false;
  bool paused = false;  // reading stopped by the limits (connection_limits.h)
};

struct AdminConn;

class SimServerImpl {
 public:
  uv_loop_t* loop = nullptr;
  SimOptions opts;
  std::unique_ptr<LoopClock> clock;
  std::unique_ptr<Ensemble> ens;
  std::map<int64_t, uv_tcp_t*> listeners;
  std::map<int64_t, int> ports;
  // TLS (tls_listener.cc): the context and each server's secure listener.
  std::shared_ptr<TlsContext> tls;
  std::map<int64_t, uv_tcp_t*> secure_listeners;
  std::map<int64_t, int> secure_ports;
  std::map<uint64_t, UvConn*> conns;
  std::vector<UvConn*> dirty;
  uv_check_t check;
  uv_timer_t timer;
  uv_tcp_t* admin = nullptr;
  int admin_port = -1;
  std::vector<AdminConn*> admin_conns;
  uint64_t next_conn = 1;
  std::mt19937_64 rng;
  std::multimap<int64_t, uint64_t> delayed_closes;  // due ms -> conn
  bool stopped = false;
  ConnectionLimits limits;
  std::set<uint64_t> paused;  // connections whose reading is stopped
  int64_t next_container_check_ms = 0;

  Status Listen(int64_t server, int port, uv_tcp_t** out, int* bound, bool secure = false);
  // tls_listener.cc: loads the TLS context (when opts.tls_cert is set).
  Status SetUpTls();
  // Binds server `server`'s secure listener on `port` (0: free) if TLS is on.
  Status ListenSecure(int64_t server, int port);
  // Ciphertext from a TLS connection: handshake, x509 identity, plaintext
  // to the protocol; a TLS error closes that connection with its reason.
  void OnSecureRead(UvConn* c, std::string_view cipher);
  // What goes on the socket for `bytes` (encrypted on a TLS connection).
  std::string Seal(UvConn* c, std::string bytes);
  // Hosts a server that is not running yet: binds its listener, then adds
  // it to the ensemble (ensemble.h AddServer).
  Status HostServer(Member m, int listen_port);
  // After a committed reconfig: hosts the members not hosted yet.
  void OnConfigCommitted();
  // Admin `start` for an id that is not hosted: starts a joiner.
  // `param` reads a query parameter ("" when absent): client_port,
  // quorum_port, election_port, type=participant|observer.
  std::string AdminStartJoiner(int64_t server,
                               const std::function<std::string(const std::string&)>& param,
                               int* status);
  void OnAccept(int64_t server, uv_stream_t* listener, bool secure = false);
  static void OnConnRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
  // Stops or resumes reading from `c` by its load (connection_limits.h).
  void CheckLoad(UvConn* c);
  // Reply bytes of `c` not yet taken by its socket.
  size_t UnsentBytes(UvConn* c) const;
  void Send(UvConn* c, std::string bytes);
  void Flush();
  void Close(uint64_t conn, const std::string& reason);
  void Tick();
  std::vector<const ServerConnection*> ConnsOf(int64_t server) const;
  std::string FourLetter(int64_t server, uint64_t conn, const std::string& word);
  int Shed(int64_t server, double fraction, int count, int target, int64_t window_ms,
           uint64_t except);
  Status StartAdmin(int port);
  // `authorization`: the Authorization header ("" when absent); `peer_ip`:
  // the caller's address (its ip identity).
  std::string AdminCommand(const std::string& method, const std::string& name,
                           const std::string& query, const std::string& body, int* status,
                           const std::string& authorization = {},
                           const std::string& peer_ip = "127.0.0.1");
};

}  // namespace zk::sim

#endif  // ZK_SIM_SIM_SERVER_IMPL_H_
