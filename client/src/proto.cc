#include "proto.h"

#include <fmt/format.h>

#include "zk/wire/jute.h"

namespace zk::client_internal {

using wire::Reader;
using wire::Writer;

namespace {

// Starts a frame: reserves the 4-byte length, patched by EndFrame.
size_t BeginFrame(Writer& w) {
  size_t at = w.size();
  w.Int(0);
  return at;
}

void EndFrame(Writer& w, size_t at) {
  w.PatchInt(at, static_cast<int32_t>(w.size() - at - 4));
}

}  // namespace

std::string FrameConnect(const ConnectParams& p) {
  std::string out;
  Writer w(&out);
  size_t at = BeginFrame(w);
  w.Int(0);  // protocolVersion
  w.Long(p.last_zxid);
  w.Int(p.timeout_ms);
  w.Long(p.session_id);
  w.Buffer(p.passwd);
  w.Bool(p.read_only);
  EndFrame(w, at);
  return out;
}

std::string FrameRequest(int32_t xid, int32_t op, std::string_view body) {
  std::string out;
  out.reserve(12 + body.size());
  Writer w(&out);
  w.Int(static_cast<int32_t>(8 + body.size()));
  w.Int(xid);
  w.Int(op);
  w.Raw(body);
  return out;
}

Result<ConnectReply> ParseConnectReply(std::string_view payload) {
  Reader r(payload);
  int32_t proto = 0;
  ConnectReply c;
  r.Int(&proto);
  r.Int(&c.timeout_ms);
  r.Long(&c.session_id);
  r.Buffer(&c.passwd);
  // 3.3-era servers omit the readOnly byte.
  if (r.ok() && !r.AtEnd()) r.Bool(&c.read_only);
  if (!r.ok()) return r.status();
  if (c.passwd.size() > 64) return Status(Error::kMarshallingError, "session password too long");
  return c;
}

Result<ReplyHeader> ParseReplyHeader(std::string_view payload, std::string_view* body) {
  Reader r(payload);
  ReplyHeader h;
  r.Int(&h.xid);
  r.Long(&h.zxid);
  r.Int(&h.err);
  if (!r.ok()) return r.status();
  *body = payload.substr(r.offset());
  return h;
}

Result<RawWatcherEvent> ParseWatcherEvent(std::string_view body) {
  Reader r(body);
  RawWatcherEvent e;
  r.Int(&e.type);
  r.Int(&e.state);
  r.String(&e.path);
  if (!r.ok()) return r.status();
  return e;
}

std::string EncodeSaslRequest(std::string_view token) {
  std::string out;
  Writer w(&out);
  w.Buffer(token);
  return out;
}

Result<std::string> ParseSaslResponse(std::string_view body) {
  Reader r(body);
  std::optional<std::string> token;
  r.NullableBuffer(&token);
  if (!r.ok()) return r.status();
  return token.value_or(std::string());
}

std::string EncodeAuth(std::string_view scheme, std::string_view auth) {
  std::string out;
  Writer w(&out);
  w.Int(0);
  w.String(scheme);
  w.Buffer(auth);
  return out;
}

std::string EncodeSetWatches(int64_t relative_zxid, const WatchLists& l, int32_t* op) {
  std::string out;
  Writer w(&out);
  w.Long(relative_zxid);
  w.StringVector(l.data);
  w.StringVector(l.exist);
  w.StringVector(l.child);
  if (!l.persistent.empty() || !l.recursive.empty()) {
    w.StringVector(l.persistent);
    w.StringVector(l.recursive);
    *op = kOpSetWatches2;
  } else {
    *op = kOpSetWatches;
  }
  return out;
}

bool FrameReader::Next(std::string* payload, Status* error) {
  size_t avail = buf_.size() - pos_;
  if (avail < 4) {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return false;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(buf_.data() + pos_);
  int32_t len = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                     (uint32_t{p[2]} << 8) | uint32_t{p[3]});
  if (len < 0 || static_cast<uint32_t>(len) > max_) {
    *error = Status(Error::kMarshallingError,
                    fmt::format("reply frame length {} is out of range (max_frame_bytes {})", len,
                                max_));
    return false;
  }
  if (avail < 4 + static_cast<size_t>(len)) {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return false;
  }
  payload->assign(buf_, pos_ + 4, static_cast<size_t>(len));
  pos_ += 4 + static_cast<size_t>(len);
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  return true;
}

}  // namespace zk::client_internal
