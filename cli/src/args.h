// Splitting a command line into words and parsing a command's options the
// way zkCli.sh does (its MyCommandOptions tokenizer and Apache commons-cli's
// PosixParser), so that scripts written for zkCli.sh parse the same here.
#ifndef ZK_CLI_ARGS_H_
#define ZK_CLI_ARGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zk::cli {

// zkCli's tokenizer: words separated by blanks; a word that starts with a
// quote runs to the matching quote (the quotes are dropped), so
// `set /a "hello world"` has three words.
std::vector<std::string> SplitCommandLine(std::string_view line);

// One option of a command: "s" (a flag) or "v" with a value. Names of more
// than one letter ("members", "json") are written "-members" or "--members".
struct OptionSpec {
  std::string name;
  bool takes_value = false;
};

struct ParsedArgs {
  std::set<std::string> flags;                // options present without a value
  std::map<std::string, std::string> values;  // options with a value (the last one wins)
  std::vector<std::string> args;              // the remaining words, command name excluded

  bool Has(const std::string& name) const { return flags.count(name) || values.count(name); }
  std::optional<std::string> Value(const std::string& name) const;
};

// Parses words[1..] against `options`, as commons-cli does: an option may
// stand anywhere; "-sw" is "-s -w" when every letter is a flag; a valued
// option takes the rest of its word ("-v5") or the next word. Errors are the
// texts commons-cli prints:
//   org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x
//   org.apache.commons.cli.MissingArgumentException: Missing argument for option: v
// "-" alone and words that do not start with '-' are arguments.
struct ArgsError {
  std::string message;
};
std::optional<ArgsError> ParseArgs(const std::vector<std::string>& words,
                                   const std::vector<OptionSpec>& options, ParsedArgs* out);

}  // namespace zk::cli

#endif  // ZK_CLI_ARGS_H_
