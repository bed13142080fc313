// Errors as values: Status (ok, or an Error with a message) and Result<T>
// (a value, or a non-ok Status). Nothing in zkbalance throws across a library
// boundary; every fallible call returns one of these.
#ifndef ZK_WIRE_STATUS_H_
#define ZK_WIRE_STATUS_H_

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "zk/wire/error.h"

namespace zk {

class [[nodiscard]] Status {
 public:
  // An ok status.
  Status() = default;
  // REQUIRES: code != Error::kOk, or message is empty.
  explicit Status(Error code, std::string message = {})
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Error::kOk; }
  Error code() const { return code_; }
  const std::string& message() const { return message_; }

  // "ZNONODE: <message>", or "ZNONODE (NoNode)" when there is no message,
  // or "OK".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Error code_ = Error::kOk;
  std::string message_;
};

// Holds either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "use Status directly");

  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok()
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  Result(Error code, std::string message) : v_(Status(code, std::move(message))) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Ok status when a value is held.
  Status status() const { return ok() ? Status() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace zk

template <>
struct fmt::formatter<zk::Status> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const zk::Status& s, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(s.ToString(), ctx);
  }
};

#endif  // ZK_WIRE_STATUS_H_
