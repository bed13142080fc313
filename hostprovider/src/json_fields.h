// Exception-free field readers over nlohmann::json for the plan and
// simulator-config formats. Every error is a kBadArguments Status whose
// message starts with the path of the field ("plan: servers[2].weight: ...").
#ifndef ZK_HOSTPROVIDER_SRC_JSON_FIELDS_H_
#define ZK_HOSTPROVIDER_SRC_JSON_FIELDS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::json_fields {

using Json = nlohmann::json;

Status Bad(std::string_view where, std::string_view what);

// The member `key` of object `obj`, or nullptr.
const Json* Find(const Json& obj, const char* key);

// Each Read* leaves *out unchanged when the key is absent and !required.
Status ReadDouble(const Json& obj, const char* key, const std::string& where, bool required,
                  double* out);
// A non-negative integer: a JSON number, or a "0x..." hex string.
Status ReadU64(const Json& obj, const char* key, const std::string& where, bool required,
               uint64_t* out);
Status ReadString(const Json& obj, const char* key, const std::string& where, bool required,
                  std::string* out);
Status ReadBool(const Json& obj, const char* key, const std::string& where, bool required,
                bool* out);
// "host:port".
Status ReadServer(const Json& obj, const char* key, const std::string& where, bool required,
                  HostPort* out);
// An array member (nullptr, ok, when absent and !required).
Status FindArray(const Json& obj, const char* key, const std::string& where, bool required,
                 const Json** out);

std::string Hex64(uint64_t v);

}  // namespace zk::json_fields

#endif  // ZK_HOSTPROVIDER_SRC_JSON_FIELDS_H_
