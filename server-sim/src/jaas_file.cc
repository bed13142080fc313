#include "jaas_file.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace zk::sim {
namespace {

struct Token {
  std::string text;
  bool quoted = false;
  int line = 1;
};

// Words, quoted strings and the punctuation { } ; =
Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> out;
  int line = 1;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.substr(i, 2) == "//" || c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.substr(i, 2) == "/*") {
      size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos)
        return Status(Error::kBadArguments, fmt::format("line {}: unterminated comment", line));
      for (size_t k = i; k < end; ++k) line += s[k] == '\n';
      i = end + 2;
    } else if (c == '{' || c == '}' || c == ';' || c == '=') {
      out.push_back({std::string(1, c), false, line});
      ++i;
    } else if (c == '"') {
      Token t{"", true, line};
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        if (s[i] == '\n') ++line;
        t.text += s[i++];
      }
      if (i >= s.size())
        return Status(Error::kBadArguments, fmt::format("line {}: unterminated string", t.line));
      ++i;
      out.push_back(t);
    } else {
      Token t{"", false, line};
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) &&
             std::string_view("{};=\"").find(s[i]) == std::string_view::npos)
        t.text += s[i++];
      out.push_back(t);
    }
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string_view::npos ? std::string() : std::string(s.substr(a, b - a + 1));
}

}  // namespace

Result<SaslUsers> ParseJaasUsers(std::string_view text, std::string_view section) {
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.status();
  const std::vector<Token>& t = *tokens;
  auto is = [&](size_t k, const char* p) { return k < t.size() && !t[k].quoted && t[k].text == p; };
  size_t k = 0;
  bool found = false;
  SaslUsers users;
  while (k < t.size()) {
    // Name { entries } ;
    const Token& name = t[k];
    if (name.quoted || !is(k + 1, "{"))
      return Status(Error::kBadArguments,
                    fmt::format("line {}: expected a section name and '{{'", name.line));
    k += 2;
    const bool wanted = name.text == section;
    found = found || wanted;
    while (k < t.size() && !is(k, "}")) {
      // LoginModuleClass Flag (key = value)* ;
      if (k + 1 >= t.size())
        return Status(Error::kBadArguments, fmt::format("line {}: unterminated entry", t[k].line));
      k += 2;  // module class and flag
      while (k < t.size() && !is(k, ";")) {
        if (!is(k + 1, "=") || k + 2 >= t.size())
          return Status(Error::kBadArguments,
                        fmt::format("line {}: expected option=value", t[k].line));
        const std::string& key = t[k].text;
        if (wanted && key.rfind("user_", 0) == 0 && key.size() > 5)
          users[key.substr(5)] = t[k + 2].text;
        k += 3;
      }
      if (k >= t.size())
        return Status(Error::kBadArguments, "missing ';' after the last login module entry");
      ++k;  // ;
    }
    if (k >= t.size())
      return Status(Error::kBadArguments, fmt::format("section {}: missing '}}'", name.text));
    ++k;  // }
    if (is(k, ";")) ++k;
  }
  if (!found)
    return Status(Error::kBadArguments, fmt::format("no JAAS section named {}", section));
  if (users.empty())
    return Status(Error::kBadArguments,
                  fmt::format("JAAS section {} has no user_<name> options", section));
  return users;
}

Result<SaslUsers> ParseUserLines(std::string_view text) {
  SaslUsers users;
  std::istringstream in{std::string(text)};
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    std::string l = Trim(raw);
    if (l.empty() || l[0] == '#') continue;
    size_t eq = l.find('=');
    if (eq == std::string::npos || Trim(l.substr(0, eq)).empty())
      return Status(Error::kBadArguments, fmt::format("line {}: expected user=password", line));
    users[Trim(l.substr(0, eq))] = l.substr(eq + 1);
  }
  if (users.empty()) return Status(Error::kBadArguments, "no user=password lines");
  return users;
}

Result<SaslUsers> LoadSaslUsers(const std::string& path, std::string_view section) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status(Error::kBadArguments, fmt::format("{}: cannot read the file", path));
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  auto users = text.find('{') != std::string::npos ? ParseJaasUsers(text, section)
                                                   : ParseUserLines(text);
  if (!users.ok())
    return Status(users.status().code(), fmt::format("{}: {}", path, users.status().message()));
  return users;
}

}  // namespace zk::sim
