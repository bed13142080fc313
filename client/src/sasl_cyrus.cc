#include "sasl_cyrus.h"

#include <sasl/sasl.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace zk::client_internal {

namespace {

// Cyrus takes every callback as int (*)(void) and calls it with its real
// type; the detour through void (*)(void) is the cast GCC documents as the
// way to say so (-Wcast-function-type).
template <typename F>
int (*AsCallback(F* f))() {
  return reinterpret_cast<int (*)()>(reinterpret_cast<void (*)()>(f));
}

// Cyrus logs through syslog unless the application gives it a log
// callback; the SDK writes nothing to the process's logs (docs/client.md,
// "What the SDK does to your process"): failures reach the session's logger
// through sasl_errdetail instead.
int DropCyrusLog(void*, int, const char*) { return SASL_OK; }

// Cyrus's global client state is set up once per process; sasl_client_init
// is not thread-safe, so a once_flag guards it.
Status InitCyrusOnce() {
  static std::once_flag once;
  static int rc = SASL_OK;
  std::call_once(once, [] {
    static const sasl_callback_t kGlobal[] = {
        {SASL_CB_LOG, AsCallback(&DropCyrusLog), nullptr},
        {SASL_CB_LIST_END, nullptr, nullptr},
    };
    rc = sasl_client_init(kGlobal);
  });
  if (rc != SASL_OK) {
    return Status(Error::kSystemError,
                  fmt::format("Cyrus SASL client init failed: {}", sasl_errstring(rc, nullptr, nullptr)));
  }
  return Status();
}

class CyrusMechanism final : public SaslMechanism {
 public:
  explicit CyrusMechanism(SaslOptions o) : o_(std::move(o)) {
    callbacks_ = {
        {SASL_CB_USER, AsCallback(&CyrusMechanism::GetSimple), this},
        {SASL_CB_AUTHNAME, AsCallback(&CyrusMechanism::GetSimple), this},
        {SASL_CB_PASS, AsCallback(&CyrusMechanism::GetSecret), this},
        {SASL_CB_GETREALM, AsCallback(&CyrusMechanism::GetRealm), this},
        {SASL_CB_LIST_END, nullptr, nullptr},
    };
  }
  ~CyrusMechanism() override { Dispose(); }

  std::string Name() const override { return o_.mechanism; }

  Result<SaslStep> Start(const std::string& server_host) override {
    Dispose();
    callback_error_.clear();
    std::string host = !o_.host.empty()            ? o_.host
                       : o_.mechanism == "DIGEST-MD5" ? std::string("zk-sasl-md5")
                                                      : server_host;
    int rc = sasl_client_new(o_.service.c_str(), host.c_str(), nullptr, nullptr,
                             callbacks_.data(), 0, &conn_);
    if (rc != SASL_OK) return Failure("sasl_client_new", rc);
    // No security layer: ZooKeeper wraps nothing after authentication.
    sasl_security_properties_t props{};
    props.min_ssf = 0;
    props.max_ssf = 0;
    props.maxbufsize = 0;
    rc = sasl_setprop(conn_, SASL_SEC_PROPS, &props);
    if (rc != SASL_OK) return Failure("sasl_setprop", rc);
    const char* out = nullptr;
    unsigned out_len = 0;
    const char* chosen = nullptr;
    rc = sasl_client_start(conn_, o_.mechanism.c_str(), nullptr, &out, &out_len, &chosen);
    if (rc == SASL_NOMECH) {
      return Status(Error::kAuthFailed,
                    fmt::format("SASL mechanism {} is not available from Cyrus SASL (is its plugin "
                                "installed? GSSAPI: libsasl2-modules-gssapi-mit; DIGEST-MD5: "
                                "libsasl2-modules){}",
                                o_.mechanism, Detail()));
    }
    if (rc != SASL_OK && rc != SASL_CONTINUE) return Failure("sasl_client_start", rc);
    SaslStep s;
    // DIGEST-MD5 is server-first: the client opens with an empty token. A
    // client-first "reauthentication" token, which Cyrus may produce from
    // its cache, is dropped as the C client does (the JDK's DIGEST-MD5
    // server mishandles it, JDK-6682540).
    bool drop = o_.mechanism == "DIGEST-MD5";
    s.token = drop || out == nullptr ? std::string() : std::string(out, out_len);
    s.send = rc == SASL_CONTINUE || !s.token.empty();
    s.complete = rc == SASL_OK;
    return s;
  }

  Result<SaslStep> Step(std::string_view challenge) override {
    if (conn_ == nullptr) return Status(Error::kInvalidState, "SASL step before start");
    const char* out = nullptr;
    unsigned out_len = 0;
    int rc = sasl_client_step(conn_, challenge.data(), static_cast<unsigned>(challenge.size()),
                              nullptr, &out, &out_len);
    if (rc != SASL_OK && rc != SASL_CONTINUE) return Failure("sasl_client_step", rc);
    SaslStep s;
    if (out != nullptr) s.token.assign(out, out_len);
    s.send = rc == SASL_CONTINUE || !s.token.empty();
    s.complete = rc == SASL_OK;
    return s;
  }

 private:
  Status Failure(const char* call, int rc) const {
    return Status(Error::kAuthFailed,
                  fmt::format("{} {} failed: {}{}{}", o_.mechanism, call,
                              sasl_errstring(rc, nullptr, nullptr), Detail(),
                              callback_error_.empty() ? "" : "; " + callback_error_));
  }
  std::string Detail() const {
    if (conn_ == nullptr) return {};
    const char* d = sasl_errdetail(conn_);
    return d != nullptr && *d != '\0' ? std::string(" (") + d + ")" : std::string();
  }
  void Dispose() {
    if (conn_ != nullptr) sasl_dispose(&conn_);
    conn_ = nullptr;
  }

  static int GetSimple(void* context, int id, const char** result, unsigned* len) {
    auto* self = static_cast<CyrusMechanism*>(context);
    if (result == nullptr || (id != SASL_CB_USER && id != SASL_CB_AUTHNAME)) return SASL_BADPARAM;
    *result = self->o_.user.c_str();
    if (len != nullptr) *len = static_cast<unsigned>(self->o_.user.size());
    return SASL_OK;
  }

  static int GetSecret(sasl_conn_t* conn, void* context, int id, sasl_secret_t** psecret) {
    auto* self = static_cast<CyrusMechanism*>(context);
    if (conn == nullptr || psecret == nullptr || id != SASL_CB_PASS) return SASL_BADPARAM;
    std::string password = self->o_.password;
    if (self->o_.password_callback) {
      auto p = self->o_.password_callback();
      if (!p.ok()) {
        self->callback_error_ = "password callback: " + p.status().ToString();
        return SASL_FAIL;
      }
      password = std::move(p).value();
    }
    // The secret must outlive the call (until the next one on this
    // connection); it lives in this object.
    self->secret_.assign(sizeof(sasl_secret_t) + password.size(), 0);
    auto* s = reinterpret_cast<sasl_secret_t*>(self->secret_.data());
    s->len = password.size();
    std::memcpy(s->data, password.data(), password.size());
    std::fill(password.begin(), password.end(), '\0');
    *psecret = s;
    return SASL_OK;
  }

  static int GetRealm(void* context, int id, const char** availrealms, const char** result) {
    auto* self = static_cast<CyrusMechanism*>(context);
    if (result == nullptr || id != SASL_CB_GETREALM) return SASL_BADPARAM;
    if (!self->o_.realm.empty()) {
      *result = self->o_.realm.c_str();
    } else {
      *result = availrealms != nullptr && availrealms[0] != nullptr ? availrealms[0] : nullptr;
    }
    return SASL_OK;
  }

  SaslOptions o_;
  std::vector<sasl_callback_t> callbacks_;
  std::vector<unsigned char> secret_;
  std::string callback_error_;
  sasl_conn_t* conn_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<SaslMechanism>> NewCyrusSaslMechanism(const SaslOptions& options) {
  if (Status v = ValidateSaslOptions(options); !v.ok()) return v;
  if (!options.enabled()) return Status(Error::kBadArguments, "SASL is not enabled in the options");
  if (Status s = InitCyrusOnce(); !s.ok()) return s;
  return std::unique_ptr<SaslMechanism>(new CyrusMechanism(options));
}

}  // namespace zk::client_internal
