// LoadJaasClientSection / ParseJaasClientSection (zk/client/sasl_options.h):
// the grammar of Java's JAAS login configuration files, reduced to what a
// ZooKeeper client section uses:
//
//   file    := section*
//   section := NAME '{' entry* '}' ';'
//   entry   := MODULE FLAG (KEY '=' VALUE)* ';'
//
// VALUE is a double-quoted string or a bare word; comments are // and /* */.
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "zk/client/sasl_options.h"

namespace zk {

namespace {

constexpr std::string_view kDigestModule = "org.apache.zookeeper.server.auth.DigestLoginModule";
constexpr std::string_view kKrb5Module = "com.sun.security.auth.module.Krb5LoginModule";

struct Token {
  enum Kind { kWord, kString, kPunct, kEnd } kind = kEnd;
  std::string text;
  int line = 1;
};

class Lexer {
 public:
  Lexer(std::string_view text, std::string_view origin) : s_(text), origin_(origin) {}

  // Fills *t, or returns a located error.
  Status Next(Token* t) {
    SkipSpaceAndComments();
    if (!error_.ok()) return error_;
    t->line = line_;
    t->text.clear();
    if (i_ >= s_.size()) {
      t->kind = Token::kEnd;
      return Status();
    }
    char c = s_[i_];
    if (c == '{' || c == '}' || c == ';' || c == '=') {
      t->kind = Token::kPunct;
      t->text = std::string(1, c);
      ++i_;
      return Status();
    }
    if (c == '"') {
      t->kind = Token::kString;
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\n') return Error(line_, "unterminated string");
        if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
        t->text += s_[i_++];
      }
      if (i_ >= s_.size()) return Error(t->line, "unterminated string");
      ++i_;
      return Status();
    }
    if (IsWordChar(c)) {
      t->kind = Token::kWord;
      while (i_ < s_.size() && IsWordChar(s_[i_])) t->text += s_[i_++];
      return Status();
    }
    return Error(line_, fmt::format("unexpected character '{}'", c));
  }

  Status Error(int line, const std::string& what) const {
    return Status(zk::Error::kBadArguments, fmt::format("{}:{}: {}", origin_, line, what));
  }

 private:
  static bool IsWordChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == '$' || c == '/' || c == '@' || c == ':';
  }
  void SkipSpaceAndComments() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (s_.substr(i_, 2) == "//") {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.substr(i_, 2) == "/*") {
        int start = line_;
        size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) {
          error_ = Error(start, "unterminated comment");
          i_ = s_.size();
          return;
        }
        for (size_t k = i_; k < end; ++k) line_ += s_[k] == '\n';
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  std::string_view s_;
  std::string origin_;
  size_t i_ = 0;
  int line_ = 1;
  Status error_;
};

struct Entry {
  std::string module;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> options;
};

Result<SaslOptions> FromEntry(const Entry& e, const Lexer& lex) {
  SaslOptions o;
  if (e.module == kDigestModule) {
    o.mechanism = "DIGEST-MD5";
    for (const auto& [k, v] : e.options) {
      if (k == "username") {
        o.user = v;
      } else if (k == "password") {
        o.password = v;
      } else {
        return lex.Error(e.line, fmt::format("DigestLoginModule: unknown option '{}'", k));
      }
    }
    if (o.user.empty()) return lex.Error(e.line, "DigestLoginModule: username is missing");
    if (o.password.empty()) return lex.Error(e.line, "DigestLoginModule: password is missing");
    return o;
  }
  if (e.module == kKrb5Module) {
    o.mechanism = "GSSAPI";
    for (const auto& [k, v] : e.options) {
      if (k == "principal") {
        o.user = v;
      } else if (k == "keyTab") {
        o.keytab = v;
      } else if (k == "ticketCache") {
        o.ticket_cache = v;
      } else if (k == "useKeyTab" || k == "storeKey" || k == "useTicketCache" ||
                 k == "doNotPrompt" || k == "debug" || k == "refreshKrb5Config" ||
                 k == "isInitiator" || k == "renewTGT") {
        // Java-side login behaviour; Cyrus takes credentials as it finds them.
      } else {
        return lex.Error(e.line, fmt::format("Krb5LoginModule: unknown option '{}'", k));
      }
    }
    return o;
  }
  return lex.Error(e.line, fmt::format("unsupported login module '{}' (the SDK knows {} and {})",
                                       e.module, kDigestModule, kKrb5Module));
}

}  // namespace

Result<SaslOptions> ParseJaasClientSection(std::string_view text, std::string_view section,
                                           std::string_view origin) {
  Lexer lex(text, origin);
  Token t;
  auto next = [&]() { return lex.Next(&t); };
  auto expect_punct = [&](char c, const std::string& where) -> Status {
    if (Status s = next(); !s.ok()) return s;
    if (t.kind != Token::kPunct || t.text[0] != c) {
      return lex.Error(t.line, fmt::format("expected '{}' {}, found '{}'", c, where,
                                           t.kind == Token::kEnd ? "end of file" : t.text));
    }
    return Status();
  };
  std::vector<Entry> found;
  bool have_section = false;
  int section_line = 0;
  for (;;) {
    if (Status s = next(); !s.ok()) return s;
    if (t.kind == Token::kEnd) break;
    if (t.kind != Token::kWord) {
      return lex.Error(t.line, fmt::format("expected a section name, found '{}'", t.text));
    }
    std::string name = t.text;
    int name_line = t.line;
    if (Status s = expect_punct('{', "after the section name"); !s.ok()) return s;
    std::vector<Entry> entries;
    for (;;) {
      if (Status s = next(); !s.ok()) return s;
      if (t.kind == Token::kPunct && t.text == "}") break;
      if (t.kind != Token::kWord) {
        return lex.Error(t.line,
                         fmt::format("expected a login module class, found '{}'",
                                     t.kind == Token::kEnd ? "end of file" : t.text));
      }
      Entry e{t.text, t.line, {}};
      if (Status s = next(); !s.ok()) return s;
      if (t.kind != Token::kWord || (t.text != "required" && t.text != "requisite" &&
                                     t.text != "sufficient" && t.text != "optional")) {
        return lex.Error(t.line, fmt::format("expected a control flag (required, requisite, "
                                             "sufficient, optional) after {}, found '{}'",
                                             e.module, t.text));
      }
      for (;;) {
        if (Status s = next(); !s.ok()) return s;
        if (t.kind == Token::kPunct && t.text == ";") break;
        if (t.kind != Token::kWord) {
          return lex.Error(t.line, fmt::format("expected an option name or ';', found '{}'",
                                               t.kind == Token::kEnd ? "end of file" : t.text));
        }
        std::string key = t.text;
        if (Status s = expect_punct('=', "after option " + key); !s.ok()) return s;
        if (Status s = next(); !s.ok()) return s;
        if (t.kind != Token::kWord && t.kind != Token::kString) {
          return lex.Error(t.line, fmt::format("option {} has no value", key));
        }
        e.options.emplace_back(key, t.text);
      }
      entries.push_back(std::move(e));
    }
    if (Status s = expect_punct(';', "after '}'"); !s.ok()) return s;
    if (name == section) {
      have_section = true;
      section_line = name_line;
      found = std::move(entries);
    }
  }
  if (!have_section) {
    return Status(Error::kBadArguments,
                  fmt::format("{}: no section '{}'", origin, section));
  }
  if (found.size() != 1) {
    return lex.Error(section_line, fmt::format("section '{}' has {} login modules; the SDK "
                                               "needs exactly one",
                                               section, found.size()));
  }
  auto o = FromEntry(found[0], lex);
  if (!o.ok()) return o;
  o->jaas_file = std::string(origin);
  o->jaas_section = std::string(section);
  return o;
}

Result<SaslOptions> LoadJaasClientSection(const std::string& path, std::string_view section) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Error::kBadArguments, fmt::format("{}: cannot open the JAAS file", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status(Error::kBadArguments, fmt::format("{}: read error", path));
  return ParseJaasClientSection(text.str(), section, path);
}

}  // namespace zk
