#include "admin_auth.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "sha1.h"

namespace zk::sim {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Standard base64 with optional '=' padding; nullopt-like false on any
// other character.
bool Base64Decode(std::string_view in, std::string* out) {
  std::array<int, 256> value;
  value.fill(-1);
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(alphabet[i])] = i;
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v = value[static_cast<unsigned char>(ch)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

}  // namespace

bool IsControlCommand(std::string_view name) {
  return name == "shed_connections" || name == "kill" || name == "start" || name == "isolate" ||
         name == "lag";
}

Result<std::string> CredentialsOf(std::string_view authorization) {
  size_t sp = authorization.find(' ');
  if (sp == std::string_view::npos)
    return Status(Error::kAuthFailed,
                  "Authorization must be \"digest user:password\" or \"Basic <base64>\"");
  std::string scheme = Lower(authorization.substr(0, sp));
  std::string_view rest = authorization.substr(sp + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  std::string creds;
  if (scheme == "digest") {
    creds = std::string(rest);
  } else if (scheme == "basic") {
    if (!Base64Decode(rest, &creds))
      return Status(Error::kAuthFailed, "Authorization Basic: bad base64");
  } else {
    return Status(Error::kAuthFailed,
                  fmt::format("Authorization scheme \"{}\" is not digest or Basic", scheme));
  }
  size_t colon = creds.find(':');
  if (colon == std::string::npos || colon == 0)
    return Status(Error::kAuthFailed, "Authorization credentials must be user:password");
  return creds;
}

AdminAuthDecision CheckControlAuth(std::string_view command, std::string_view authorization,
                                   const std::string& admin_digest,
                                   const std::string& super_digest) {
  AdminAuthDecision d;
  if (!IsControlCommand(command)) return d;
  if (admin_digest.empty() && super_digest.empty()) {
    d.http_status = 403;
    d.error = fmt::format(
        "{} changes state and needs credentials, but none are configured: start zksim with "
        "--admin-auth user:password (or --admin-auth-file FILE, or --super)",
        command);
    return d;
  }
  if (authorization.empty()) {
    d.http_status = 401;
    d.error = fmt::format(
        "{} changes state: send \"Authorization: digest user:password\" or HTTP Basic", command);
    return d;
  }
  auto creds = CredentialsOf(authorization);
  if (!creds.ok()) {
    d.http_status = 401;
    d.error = creds.status().message();
    return d;
  }
  std::string id = DigestId(*creds);
  if (id != admin_digest && id != super_digest) {
    d.http_status = 401;
    d.error = fmt::format("{}: credentials of user \"{}\" are not accepted", command,
                          creds->substr(0, creds->find(':')));
  }
  return d;
}

Result<std::string> ParseAdminCredentials(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == line.size())
    return Status(Error::kBadArguments,
                  "admin credentials must be user:password (a non-empty user and password)");
  return std::string(line);
}

}  // namespace zk::sim
