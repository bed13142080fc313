#include "args.h"

#include <cctype>

namespace zk::cli {

std::vector<std::string> SplitCommandLine(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    char c = line[i];
    if (c == '"' || c == '\'') {
      size_t end = line.find(c, i + 1);
      if (end != std::string_view::npos) {
        words.emplace_back(line.substr(i + 1, end - i - 1));
        i = end + 1;
        continue;
      }
    }
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    words.emplace_back(line.substr(start, i - start));
  }
  return words;
}

std::optional<std::string> ParsedArgs::Value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

namespace {

const OptionSpec* Find(const std::vector<OptionSpec>& options, std::string_view name) {
  for (const auto& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace

std::optional<ArgsError> ParseArgs(const std::vector<std::string>& words,
                                   const std::vector<OptionSpec>& options, ParsedArgs* out) {
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() < 2 || w[0] != '-') {
      out->args.push_back(w);
      continue;
    }
    std::string_view name = std::string_view(w).substr(w[1] == '-' ? 2 : 1);
    if (const OptionSpec* o = Find(options, name)) {
      if (!o->takes_value) {
        out->flags.insert(o->name);
        continue;
      }
      if (i + 1 >= words.size()) {
        return ArgsError{"org.apache.commons.cli.MissingArgumentException: Missing argument for option: " +
                         o->name};
      }
      out->values[o->name] = words[++i];
      continue;
    }
    // "-v5": a one-letter valued option with its value attached.
    if (w[1] != '-') {
      if (const OptionSpec* o = Find(options, name.substr(0, 1)); o != nullptr && o->takes_value) {
        out->values[o->name] = std::string(name.substr(1));
        continue;
      }
      // "-sw": a burst of one-letter flags.
      bool all_flags = true;
      for (char c : name) {
        const OptionSpec* o = Find(options, std::string_view(&c, 1));
        if (o == nullptr || o->takes_value) all_flags = false;
      }
      if (all_flags) {
        for (char c : name) out->flags.insert(std::string(1, c));
        continue;
      }
    }
    return ArgsError{"org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: " + w};
  }
  return std::nullopt;
}

}  // namespace zk::cli
