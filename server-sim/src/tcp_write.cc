#include "tcp_write.h"

#include <errno.h>
#include <sys/socket.h>

namespace zk::sim {
namespace {

struct WriteReq {
  uv_write_t req;
  std::string data;
};

}  // namespace

bool WriteNoSignal(uv_tcp_t* tcp, std::string data) {
  auto* stream = reinterpret_cast<uv_stream_t*>(tcp);
  uv_os_fd_t fd;
  // With bytes still queued in libuv, sending now would overtake them.
  if (uv_stream_get_write_queue_size(stream) == 0 &&
      uv_fileno(reinterpret_cast<uv_handle_t*>(tcp), &fd) == 0) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;
      } else {
        return false;
      }
    }
    if (done == data.size()) return true;
    data.erase(0, done);
  }
  auto* w = new WriteReq;
  w->data = std::move(data);
  uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  w->req.data = w;
  if (uv_write(&w->req, stream, &b, 1,
               [](uv_write_t* r, int) { delete static_cast<WriteReq*>(r->data); }) != 0) {
    delete w;
    return false;
  }
  return true;
}

}  // namespace zk::sim
