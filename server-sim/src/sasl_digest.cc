#include "sasl_digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <cctype>

namespace zk::sim {
namespace {

std::string Md5(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string RandomNonce() {
  unsigned char raw[24];
  if (RAND_bytes(raw, sizeof(raw)) != 1) return {};
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, raw, sizeof(raw));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

Status Fail(std::string message) {
  return Status(Error::kAuthFailed, "DIGEST-MD5: " + std::move(message));
}

}  // namespace

Result<std::map<std::string, std::string>> ParseDigestDirectives(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  auto bad = [&](const char* what) {
    return Status(Error::kBadArguments,
                  fmt::format("DIGEST-MD5: malformed directives at offset {}: {}", i, what));
  };
  while (true) {
    skip_space();
    while (i < text.size() && text[i] == ',') {  // empty list elements are allowed
      ++i;
      skip_space();
    }
    if (i >= text.size()) break;
    size_t k = i;
    while (i < text.size() && text[i] != '=' && text[i] != ',' && text[i] != ' ') ++i;
    std::string key(text.substr(k, i - k));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    skip_space();
    if (key.empty() || i >= text.size() || text[i] != '=') return bad("expected key=value");
    ++i;
    skip_space();
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return bad("unterminated quoted string");
    } else {
      size_t v = i;
      while (i < text.size() && text[i] != ',') ++i;
      value = std::string(text.substr(v, i - v));
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    }
    if (!out.emplace(key, value).second)
      return Status(Error::kBadArguments, fmt::format("DIGEST-MD5: directive {} repeated", key));
    skip_space();
    if (i < text.size() && text[i] != ',') return bad("expected a comma");
  }
  return out;
}

std::string DigestMd5Value(const DigestInputs& in, bool rspauth) {
  std::string a1 = Md5(in.username + ":" + in.realm + ":" + in.password) + ":" + in.nonce + ":" +
                   in.cnonce;
  if (!in.authzid.empty()) a1 += ":" + in.authzid;
  std::string a2 = (rspauth ? ":" : "AUTHENTICATE:") + in.digest_uri;
  if (in.qop == "auth-int" || in.qop == "auth-conf") a2 += ":00000000000000000000000000000000";
  return Hex(Md5(Hex(Md5(a1)) + ":" + in.nonce + ":" + in.nc + ":" + in.cnonce + ":" + in.qop +
                 ":" + Hex(Md5(a2))));
}

DigestMd5Server::DigestMd5Server(const SaslUsers* users, std::function<std::string()> nonce)
    : users_(users), make_nonce_(nonce ? std::move(nonce) : RandomNonce) {}

Result<std::string> DigestMd5Server::Step(std::string_view token) {
  switch (state_) {
    case State::kStart: {
      if (!token.empty()) {
        state_ = State::kFailed;
        return Fail("no initial response is allowed");
      }
      nonce_ = make_nonce_();
      if (nonce_.empty()) {
        state_ = State::kFailed;
        return Status(Error::kSystemError, "DIGEST-MD5: no random bytes for a nonce");
      }
      state_ = State::kChallenged;
      return fmt::format("realm=\"{}\",nonce=\"{}\",qop=\"auth\",charset=utf-8,algorithm=md5-sess",
                         kRealm, nonce_);
    }
    case State::kChallenged:
      break;
    case State::kDone:
      state_ = State::kFailed;
      return Fail("authentication already completed");
    case State::kFailed:
      return Fail("authentication already failed");
  }
  state_ = State::kFailed;  // until proven otherwise
  auto d = ParseDigestDirectives(token);
  if (!d.ok()) return Fail(d.status().message());
  auto get = [&](const char* k) -> std::string {
    auto it = d->find(k);
    return it == d->end() ? std::string() : it->second;
  };
  DigestInputs in;
  in.username = get("username");
  in.realm = get("realm");
  in.nonce = get("nonce");
  in.cnonce = get("cnonce");
  in.nc = get("nc");
  in.qop = d->count("qop") ? get("qop") : "auth";
  in.digest_uri = get("digest-uri");
  in.authzid = get("authzid");
  const std::string response = get("response");
  if (in.username.empty()) return Fail("response has no username");
  if (in.cnonce.empty() || response.empty()) return Fail("response lacks cnonce or response");
  if (in.nonce != nonce_) return Fail("nonce mismatch");
  if (in.nc != "00000001") return Fail("nonce count " + in.nc + " is not 00000001");
  if (in.qop != "auth") return Fail("qop " + in.qop + " not offered (only auth)");
  if (!in.realm.empty() && in.realm != kRealm) return Fail("unknown realm " + in.realm);
  if (in.digest_uri != kDigestUri)
    return Fail("digest-uri " + in.digest_uri + " is not " + kDigestUri);
  auto user = users_ == nullptr ? SaslUsers::const_iterator() : users_->find(in.username);
  if (users_ == nullptr || user == users_->end()) return Fail("unknown user " + in.username);
  in.password = user->second;
  if (DigestMd5Value(in, false) != response)
    return Fail("wrong password for user " + in.username);
  authorization_id_ = in.username;
  state_ = State::kDone;
  return "rspauth=" + DigestMd5Value(in, true);
}

}  // namespace zk::sim
