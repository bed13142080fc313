// Jute, ZooKeeper's binary record encoding: big-endian
// two's-complement integers, length-prefixed buffers and strings, count-
// prefixed vectors, nested records as their fields in order. A length or
// count of -1 means null.
//
// Writer appends to a caller-owned std::string and cannot fail. Reader reads
// from a std::string_view: it never reads past its input, never throws, caps
// every length, and fails stickily with a Status(kMarshallingError, reason)
// that says what was wrong and at which byte offset.
//
// Every record in records.h, requests.h, responses.h and multi.h has a pair
//   void Encode(Writer& w, const T& v);
//   bool Decode(Reader& r, T* out);   // false (and r.status()) on failure
// found by argument-dependent lookup, so the templates at the end of this
// file (EncodeRecord, DecodeRecord) work for all of them.
//
// Thread safety: Writer and Reader are plain values; use one per thread.
#ifndef ZK_WIRE_JUTE_H_
#define ZK_WIRE_JUTE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zk/wire/status.h"

namespace zk::wire {

// Java's jute.maxbuffer default: the largest frame either side accepts.
inline constexpr int64_t kDefaultJuteMaxBuffer = 0xfffff;  // 1 048 575
// zookeeper.jute.maxbuffer.extrasize defaults to jute.maxbuffer and is
// never below this.
inline constexpr int64_t kMinJuteExtraSize = 1024;
// The default cap on one buffer or string length inside a record:
// jute.maxbuffer + extrasize (BinaryInputArchive's "Unreasonable length").
inline constexpr int64_t kDefaultMaxFieldLength = 2 * kDefaultJuteMaxBuffer;

// The cap a Java peer with the given jute.maxbuffer and extrasize (<= 0: the
// default, which is jute.maxbuffer) applies to in-record lengths.
constexpr int64_t MaxFieldLength(int64_t jute_max_buffer, int64_t extra_size = 0) {
  int64_t extra = extra_size > 0 ? extra_size : jute_max_buffer;
  if (extra < kMinJuteExtraSize) extra = kMinJuteExtraSize;
  return jute_max_buffer + extra;
}

class Writer {
 public:
  // Appends to *out, which must outlive the Writer. Existing content is kept.
  explicit Writer(std::string* out) : out_(out) {}

  void Byte(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Bool(bool v) { Byte(v ? 1 : 0); }
  void Int(int32_t v);
  void Long(int64_t v);
  // An enum with an int32 underlying type, written as an int.
  template <typename E>
  void Enum(E v) {
    static_assert(sizeof(E) == 4);
    Int(static_cast<int32_t>(v));
  }
  // buffer and ustring share one encoding: int32 length + raw bytes.
  // REQUIRES: v.size() <= INT32_MAX.
  void Buffer(std::string_view v);
  void String(std::string_view v) { Buffer(v); }
  // Writes -1 for nullopt.
  void NullableBuffer(const std::optional<std::string>& v);
  void NullableString(const std::optional<std::string>& v) { NullableBuffer(v); }
  // Writes the null marker (-1) used for null buffers, strings and vectors.
  void Null() { Int(-1); }
  // vector<T>: count, then each element through encode(Writer&, const T&).
  template <typename T, typename F>
  void Vector(const std::vector<T>& v, F&& encode) {
    Int(static_cast<int32_t>(v.size()));
    for (const T& e : v) encode(*this, e);
  }
  void StringVector(const std::vector<std::string>& v);
  void Raw(std::string_view bytes) { out_->append(bytes); }

  // Bytes in the output string (including what was there before).
  std::size_t size() const { return out_->size(); }
  // Overwrites 4 bytes at `pos` with v (used to back-patch frame lengths).
  // REQUIRES: pos + 4 <= size().
  void PatchInt(std::size_t pos, int32_t v);

 private:
  std::string* out_;
};

class Reader {
 public:
  // Reads `in`, which must outlive the Reader. A buffer or string longer than
  // max_field_length fails; so does any negative length other than -1.
  explicit Reader(std::string_view in, int64_t max_field_length = kDefaultMaxFieldLength)
      : in_(in), max_length_(max_field_length) {}

  // False once any read failed; every later read then fails too and leaves
  // its output untouched.
  bool ok() const { return status_.ok(); }
  // Ok, or kMarshallingError with a message such as
  // "buffer length 2000000 exceeds limit 1048575 at offset 12".
  const Status& status() const { return status_; }
  // Bytes consumed so far, and bytes left.
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  bool AtEnd() const { return pos_ == in_.size(); }
  int64_t max_field_length() const { return max_length_; }

  // Each returns false on failure (truncated input, bad length, or an
  // earlier failure). On failure *out is left unchanged.
  bool Byte(uint8_t* out);
  // Any non-zero byte is true, as Java's DataInput.readBoolean.
  bool Bool(bool* out);
  bool Int(int32_t* out);
  bool Long(int64_t* out);
  // An enum with an int32 underlying type; any value is kept as read.
  template <typename E>
  bool Enum(E* out) {
    static_assert(sizeof(E) == 4);
    int32_t v = 0;
    if (!Int(&v)) return false;
    *out = static_cast<E>(v);
    return true;
  }
  // A null (-1) buffer or string reads as empty.
  bool Buffer(std::string* out);
  bool String(std::string* out) { return Buffer(out); }
  bool NullableBuffer(std::optional<std::string>* out);
  bool NullableString(std::optional<std::string>* out) { return NullableBuffer(out); }
  // Zero-copy: a view into the input (null reads as an empty view).
  bool BufferView(std::string_view* out);

  // Reads a vector count. -1 (null) reads as 0 and sets *is_null if given.
  // Fails on any other negative count, and when count * min_element_size
  // exceeds the bytes left, so a hostile count can never make the caller
  // allocate more than the input justifies. REQUIRES: min_element_size >= 1.
  bool VectorCount(std::size_t min_element_size, std::size_t* count, bool* is_null = nullptr);
  // vector<T>: a null vector reads as empty. decode(Reader&, T*) -> bool.
  template <typename T, typename F>
  bool Vector(std::vector<T>* out, std::size_t min_element_size, F&& decode) {
    std::size_t n = 0;
    if (!VectorCount(min_element_size, &n)) return false;
    std::vector<T> v;
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      T e{};
      if (!decode(*this, &e)) return false;
      v.push_back(std::move(e));
    }
    *out = std::move(v);
    return true;
  }
  bool StringVector(std::vector<std::string>* out);

  // Fails unless every byte was consumed ("N trailing bytes at offset X").
  // The frame-level decoders do not call it: ZooKeeper ignores bytes after a
  // record, and so do they.
  bool ExpectEnd();

  // Marks the reader failed with kMarshallingError and "<message> at offset
  // <offset()>" (the first failure wins). Always returns false, so a record
  // decoder can `return r.Fail("...")`.
  bool Fail(std::string_view message);
  // Same, but names `offset` (e.g. where the offending field started).
  bool FailAt(std::size_t offset, std::string_view message);

 private:
  bool Need(std::size_t n, const char* what);
  bool Length(const char* what, int32_t* len);  // -1 or a checked length

  std::string_view in_;
  std::size_t pos_ = 0;
  int64_t max_length_;
  Status status_;
};

// Encodes one record into a fresh string.
template <typename T>
std::string EncodeRecord(const T& record) {
  std::string out;
  Writer w(&out);
  Encode(w, record);
  return out;
}

// Decodes one record from `bytes`; bytes after it are ignored (use a Reader
// and ExpectEnd() to insist on an exact fit).
template <typename T>
Result<T> DecodeRecord(std::string_view bytes, int64_t max_field_length = kDefaultMaxFieldLength) {
  Reader r(bytes, max_field_length);
  T record{};
  if (!Decode(r, &record)) return r.status();
  return record;
}

}  // namespace zk::wire

#endif  // ZK_WIRE_JUTE_H_
