// The interactive loop: libedit line editing with persistent history, tab
// completion of command names and znode paths, a prompt showing the
// session state ("[zk: host:port(CONNECTED) 3] "), and watch events printed
// above the line being typed without losing it.
//
// The loop runs on the calling thread with libedit's callback interface and
// poll(): keystrokes from the terminal, and a self-pipe that Printer pokes
// when an event is queued (printer.h).
#ifndef ZK_CLI_INTERACTIVE_H_
#define ZK_CLI_INTERACTIVE_H_

#include <string>
#include <vector>

#include "shell.h"

namespace zk::cli {

// Runs until quit or end of input; returns the exit code. `history_file`
// is read at start and written at the end ("" = no persistent history).
int RunInteractive(Shell& shell, const std::string& history_file);

// The completions of `text` (the word under the cursor; `first_word` says
// whether it is the command position): command names, or znode paths
// below the parent of `text`, asking the server. Sorted.
std::vector<std::string> Completions(Shell& shell, const std::string& text, bool first_word);

}  // namespace zk::cli

#endif  // ZK_CLI_INTERACTIVE_H_
