#include "zk/wire/jute.h"

#include <fmt/format.h>

#include <cassert>
#include <limits>

namespace zk::wire {
namespace {

void PutBigEndian(char* p, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    p[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

uint64_t GetBigEndian(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

void Writer::Int(int32_t v) {
  char b[4];
  PutBigEndian(b, static_cast<uint32_t>(v), 4);
  out_->append(b, 4);
}

void Writer::Long(int64_t v) {
  char b[8];
  PutBigEndian(b, static_cast<uint64_t>(v), 8);
  out_->append(b, 8);
}

void Writer::Buffer(std::string_view v) {
  assert(v.size() <= static_cast<std::size_t>(std::numeric_limits<int32_t>::max()));
  Int(static_cast<int32_t>(v.size()));
  out_->append(v);
}

void Writer::NullableBuffer(const std::optional<std::string>& v) {
  if (v.has_value()) {
    Buffer(*v);
  } else {
    Null();
  }
}

void Writer::StringVector(const std::vector<std::string>& v) {
  Int(static_cast<int32_t>(v.size()));
  for (const std::string& s : v) Buffer(s);
}

void Writer::PatchInt(std::size_t pos, int32_t v) {
  assert(pos + 4 <= out_->size());
  PutBigEndian(out_->data() + pos, static_cast<uint32_t>(v), 4);
}

bool Reader::Fail(std::string_view message) { return FailAt(pos_, message); }

bool Reader::FailAt(std::size_t offset, std::string_view message) {
  if (status_.ok()) {
    status_ = Status(Error::kMarshallingError, fmt::format("{} at offset {}", message, offset));
  }
  return false;
}

bool Reader::Need(std::size_t n, const char* what) {
  if (!ok()) return false;
  if (remaining() < n) {
    return Fail(fmt::format("truncated {}: need {} bytes, {} left", what, n, remaining()));
  }
  return true;
}

bool Reader::Byte(uint8_t* out) {
  if (!Need(1, "byte")) return false;
  *out = static_cast<uint8_t>(in_[pos_]);
  pos_ += 1;
  return true;
}

bool Reader::Bool(bool* out) {
  if (!Need(1, "boolean")) return false;
  *out = in_[pos_] != 0;
  pos_ += 1;
  return true;
}

bool Reader::Int(int32_t* out) {
  if (!Need(4, "int")) return false;
  *out = static_cast<int32_t>(static_cast<uint32_t>(GetBigEndian(in_.data() + pos_, 4)));
  pos_ += 4;
  return true;
}

bool Reader::Long(int64_t* out) {
  if (!Need(8, "long")) return false;
  *out = static_cast<int64_t>(GetBigEndian(in_.data() + pos_, 8));
  pos_ += 8;
  return true;
}

bool Reader::Length(const char* what, int32_t* len) {
  if (!Need(4, what)) return false;
  int32_t n = static_cast<int32_t>(static_cast<uint32_t>(GetBigEndian(in_.data() + pos_, 4)));
  if (n < -1) return Fail(fmt::format("negative {} length {}", what, n));
  if (n > max_length_) {
    return Fail(fmt::format("{} length {} exceeds limit {}", what, n, max_length_));
  }
  if (n >= 0 && remaining() - 4 < static_cast<std::size_t>(n)) {
    return Fail(fmt::format("truncated {}: length {}, {} bytes left", what, n, remaining() - 4));
  }
  pos_ += 4;
  *len = n;
  return true;
}

bool Reader::BufferView(std::string_view* out) {
  int32_t n = 0;
  if (!Length("buffer", &n)) return false;
  if (n < 0) {
    *out = {};
    return true;
  }
  *out = in_.substr(pos_, static_cast<std::size_t>(n));
  pos_ += static_cast<std::size_t>(n);
  return true;
}

bool Reader::Buffer(std::string* out) {
  std::string_view v;
  if (!BufferView(&v)) return false;
  out->assign(v.data(), v.size());
  return true;
}

bool Reader::NullableBuffer(std::optional<std::string>* out) {
  int32_t n = 0;
  if (!Length("buffer", &n)) return false;
  if (n < 0) {
    out->reset();
    return true;
  }
  out->emplace(in_.substr(pos_, static_cast<std::size_t>(n)));
  pos_ += static_cast<std::size_t>(n);
  return true;
}

bool Reader::VectorCount(std::size_t min_element_size, std::size_t* count, bool* is_null) {
  assert(min_element_size >= 1);
  if (!Need(4, "vector count")) return false;
  int32_t n = static_cast<int32_t>(static_cast<uint32_t>(GetBigEndian(in_.data() + pos_, 4)));
  if (n < -1) return Fail(fmt::format("negative vector count {}", n));
  std::size_t left = remaining() - 4;
  if (n > 0 && static_cast<std::size_t>(n) > left / min_element_size) {
    return Fail(fmt::format("vector count {} exceeds the {} bytes left", n, left));
  }
  pos_ += 4;
  if (is_null != nullptr) *is_null = n == -1;
  *count = n < 0 ? 0 : static_cast<std::size_t>(n);
  return true;
}

bool Reader::StringVector(std::vector<std::string>* out) {
  return Vector(out, 4, [](Reader& r, std::string* s) { return r.String(s); });
}

bool Reader::ExpectEnd() {
  if (!ok()) return false;
  if (!AtEnd()) return Fail(fmt::format("{} trailing bytes", remaining()));
  return true;
}

}  // namespace zk::wire
