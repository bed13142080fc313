#include "json_fields.h"

#include <fmt/format.h>

#include <charconv>

#include "zk/hostprovider/plan_json.h"

namespace zk::json_fields {

Status Bad(std::string_view where, std::string_view what) {
  return Status(Error::kBadArguments, fmt::format("{}: {}", where, what));
}

const Json* Find(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

namespace {

Status Missing(const std::string& where, const char* key) {
  return Bad(fmt::format("{}.{}", where, key), "missing");
}

}  // namespace

Status ReadDouble(const Json& obj, const char* key, const std::string& where, bool required,
                  double* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(where, key) : Status::Ok();
  if (!v->is_number()) return Bad(fmt::format("{}.{}", where, key), "not a number");
  *out = v->get<double>();
  return Status::Ok();
}

Status ReadU64(const Json& obj, const char* key, const std::string& where, bool required,
               uint64_t* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(where, key) : Status::Ok();
  const std::string field = fmt::format("{}.{}", where, key);
  if (v->is_number_unsigned()) {
    *out = v->get<uint64_t>();
    return Status::Ok();
  }
  if (v->is_number_integer()) {
    const int64_t x = v->get<int64_t>();
    if (x < 0) return Bad(field, "negative");
    *out = static_cast<uint64_t>(x);
    return Status::Ok();
  }
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (s.size() > 2 && s.size() <= 18 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      uint64_t x = 0;
      auto [ptr, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), x, 16);
      if (ec == std::errc() && ptr == s.data() + s.size()) {
        *out = x;
        return Status::Ok();
      }
    }
    return Bad(field, fmt::format("\"{}\" is not a 0x-prefixed 64-bit hex number", s));
  }
  return Bad(field, "not a non-negative integer");
}

Status ReadString(const Json& obj, const char* key, const std::string& where, bool required,
                  std::string* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(where, key) : Status::Ok();
  if (!v->is_string()) return Bad(fmt::format("{}.{}", where, key), "not a string");
  *out = v->get<std::string>();
  return Status::Ok();
}

Status ReadBool(const Json& obj, const char* key, const std::string& where, bool required,
                bool* out) {
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(where, key) : Status::Ok();
  if (!v->is_boolean()) return Bad(fmt::format("{}.{}", where, key), "not a boolean");
  *out = v->get<bool>();
  return Status::Ok();
}

Status ReadServer(const Json& obj, const char* key, const std::string& where, bool required,
                  HostPort* out) {
  std::string text;
  bool present = Find(obj, key) != nullptr;
  if (Status s = ReadString(obj, key, where, required, &text); !s.ok()) return s;
  if (!present) return Status::Ok();
  Result<HostPort> h = ParseServerAddress(text);
  if (!h.ok()) return Bad(fmt::format("{}.{}", where, key), h.status().message());
  *out = std::move(h).value();
  return Status::Ok();
}

Status FindArray(const Json& obj, const char* key, const std::string& where, bool required,
                 const Json** out) {
  *out = nullptr;
  const Json* v = Find(obj, key);
  if (v == nullptr) return required ? Missing(where, key) : Status::Ok();
  if (!v->is_array()) return Bad(fmt::format("{}.{}", where, key), "not an array");
  *out = v;
  return Status::Ok();
}

std::string Hex64(uint64_t v) { return fmt::format("0x{:016x}", v); }

}  // namespace zk::json_fields
