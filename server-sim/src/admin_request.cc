// http-parser callbacks filling an AdminRequest; the shed_connections body.
#include "admin_request.h"

#include <fmt/format.h>

#include <cctype>

namespace zk::sim {

namespace {

AdminRequestReader* Self(http_parser* p) { return static_cast<AdminRequestReader*>(p->data); }

}  // namespace

AdminRequestReader::AdminRequestReader() {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  // Lambdas written in a member function may use the private members.
  settings_.on_url = [](http_parser* p, const char* at, size_t len) {
    Self(p)->url_.append(at, len);
    return 0;
  };
  settings_.on_header_field = [](http_parser* p, const char* at, size_t len) {
    AdminRequestReader* r = Self(p);
    if (r->in_value_) r->header_field_.clear();
    r->in_value_ = false;
    if (r->header_field_.size() + len > kAdminMaxHeaderName) return 1;
    r->header_field_.append(at, len);
    return 0;
  };
  settings_.on_header_value = [](http_parser* p, const char* at, size_t len) {
    AdminRequestReader* r = Self(p);
    r->in_value_ = true;
    std::string f = r->header_field_;
    for (char& ch : f) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (f != "authorization") return 0;
    if (r->request_.authorization.size() + len > kAdminMaxAuthorization) return 1;
    r->request_.authorization.append(at, len);
    return 0;
  };
  settings_.on_body = [](http_parser* p, const char* at, size_t len) {
    AdminRequestReader* r = Self(p);
    if (r->request_.body.size() + len > kAdminMaxBody) return 1;
    r->request_.body.append(at, len);
    return 0;
  };
  settings_.on_message_complete = [](http_parser* p) {
    AdminRequestReader* r = Self(p);
    r->state_ = State::kComplete;
    r->request_.method = http_method_str(static_cast<http_method>(p->method));
    const auto q = r->url_.find('?');
    r->request_.path = r->url_.substr(0, q);
    r->request_.query = q == std::string::npos ? std::string() : r->url_.substr(q + 1);
    // Stop here: bytes after the request (pipelining) are not read.
    http_parser_pause(p, 1);
    return 0;
  };
}

AdminRequestReader::State AdminRequestReader::Feed(std::string_view bytes) {
  if (state_ != State::kIncomplete || bytes.empty()) return state_;
  const size_t used = http_parser_execute(&parser_, &settings_, bytes.data(), bytes.size());
  if (state_ == State::kComplete) return state_;
  if (used != bytes.size() || HTTP_PARSER_ERRNO(&parser_) != HPE_OK) state_ = State::kMalformed;
  return state_;
}

std::string QueryParam(const std::string& query, const std::string& key) {
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    std::string kv = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = kv.find('=');
    if (kv.substr(0, eq) == key) return eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

Result<ShedArguments> ParseShedArguments(const nlohmann::json& body) {
  if (!body.is_object()) return Status(Error::kBadArguments, "bad JSON body");
  ShedArguments out;
  auto field = [&](const char* k, int64_t lo, int64_t hi, int64_t* v) -> Status {
    if (!body.contains(k)) return Status();
    const nlohmann::json& j = body[k];
    // An unsigned above INT64_MAX is refused before get<int64_t>() wraps it.
    const bool fits = j.is_number_integer() &&
                      (!j.is_number_unsigned() || j.get<uint64_t>() <= uint64_t(INT64_MAX));
    if (!fits || j.get<int64_t>() < lo || j.get<int64_t>() > hi) {
      return Status(Error::kBadArguments,
                    fmt::format("\"{}\" must be an integer in [{}, {}]", k, lo, hi));
    }
    *v = j.get<int64_t>();
    return Status();
  };
  for (Status st : {field("percentage", 0, 100, &out.percentage),
                    field("count", 0, 1 << 30, &out.count),
                    field("target", 0, 1 << 30, &out.target),
                    field("window_ms", 0, 3600000, &out.window_ms)}) {
    if (!st.ok()) return st;
  }
  if (out.percentage < 0 && out.count < 0 && out.target < 0) {
    return Status(Error::kBadArguments,
                  "one of \"percentage\", \"count\" or \"target\" is required");
  }
  return out;
}

}  // namespace zk::sim
