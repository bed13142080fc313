// zk::cli::Shell — the state of one zkcli run: options, the session (a
// BlockingClient), history, and how a command line is executed. The three
// modes (one-shot, stdin script, interactive) all run lines through
// ExecuteLine / ExecuteWords; they differ only in where lines come from.
//
// Exit codes follow zkCli.sh 3.8 (ZooKeeperMain.processCmd): 0 on success
// (also for "Not connected"), 1 for a failed command (bad arguments, a
// ZooKeeper error), 127 for an unknown command. exit_code() is the code of
// the last command, which is what zkCli.sh exits with after a script.
//
// Thread-safety: one thread runs commands. Watchers run on the client's
// loop thread and only touch the Printer and atomics.
#ifndef ZK_CLI_SHELL_H_
#define ZK_CLI_SHELL_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "printer.h"
#include "zk/client/blocking_client.h"
#include "zk/client/client_config_file.h"

namespace zk::cli {

struct ShellOptions {
  std::string server = "localhost:2181";   // connect string, as zkCli's -server
  std::chrono::milliseconds timeout{30000};  // session timeout (zkCli -timeout)
  std::chrono::milliseconds connect_wait{15000};
  bool read_only = false;                   // zkCli -r
  std::string admin;                        // admin endpoint host:port ("" = none)
  // user:password sent as "Authorization: digest user:password" with the
  // admin endpoint's control commands (shed); "" = none.
  std::string admin_auth;
  std::string plan_path = "/zkbalance/plan";
  // zkCli -client-configuration FILE, loaded (TLS, request timeout); applied
  // to every session the shell opens, `connect` included.
  std::optional<ClientConfigFile> client_config;
};

// A failed command: the text zkCli prints on stderr and the exit code.
struct CliError {
  std::string message;
  int code = 1;
};
using CmdResult = std::optional<CliError>;

class Shell;

struct Command {
  std::string name;
  std::string usage;  // the usage line, as `help` and argument errors print it
  std::vector<OptionSpec> options;
  // Commands that need a live session print "Not connected" without one.
  bool needs_session = true;
  std::function<CmdResult(Shell&, const ParsedArgs&)> run;
};

// Which watch table a default watcher was left in, as zkCli's watch manager
// files it: data (getData, exists, config -w), child (getChildren) or
// persistent (addWatch). It names the event the watcher hears when
// removewatches takes it (DataWatchRemoved, ChildWatchRemoved,
// PersistentWatchRemoved), whatever kind of removal took it.
enum class WatchOrigin { kData, kChild, kPersistent };

// Every command, sorted by name as zkCli's help lists them.
const std::vector<Command>& Commands();
const Command* FindCommand(std::string_view name);

class Shell {
 public:
  Shell(ShellOptions options, Printer& printer);
  ~Shell();

  // Opens a session to `server` (closing the current one). Returns false
  // when no server answered within connect_wait.
  bool Connect(const std::string& server);

  // Runs a line typed or read from a script: blank lines are ignored; the
  // line is added to the history. Returns its exit code.
  int ExecuteLine(const std::string& line);
  // Runs an already split command (one-shot mode; no history).
  int ExecuteWords(const std::vector<std::string>& words);

  bool quit_requested() const { return quit_; }
  int exit_code() const { return exit_code_; }

  // The session, or nullptr before the first connect succeeded.
  BlockingClient* client() { return client_.get(); }
  // A session that is not closed, expired or auth-failed.
  bool Alive();
  SessionState state();

  const ShellOptions& options() const { return options_; }
  const std::string& server() const { return server_; }
  Printer& printer() { return printer_; }
  const std::vector<std::string>& history() const { return history_; }
  int command_count() const { return command_count_; }

  // The watcher every zkCli-style command leaves (prints "WATCHER::" blocks
  // while printwatches is on), for a watch filed under `origin`.
  Watcher DefaultWatcher(WatchOrigin origin);

  // removewatches: between these two calls the *WatchRemoved events of the
  // default watchers are collected, not printed; EndWatchRemoval prints one
  // block per kind, as zkCli.sh does (its watch manager hands each kind's
  // set of removed watchers one event, and zkCli has a single watcher).
  // The SDK tells removed watchers before the removal's reply returns, so
  // every event of the removal is in by EndWatchRemoval. Returns whether
  // any default watcher was removed.
  void BeginWatchRemoval();
  bool EndWatchRemoval();
  std::atomic<bool>& print_watches() { return print_watches_; }

  // Closes the session if it is still alive (close, quit, connect).
  void CloseSession();

  // Tells `quit` semantics to the loop.
  void RequestQuit() { quit_ = true; }
  // Lets `redo` run a history entry.
  int RunHistoryEntry(int index);

  // Prints zkCli's full usage list to stderr.
  void PrintUsage();

 private:
  int Dispatch(const std::vector<std::string>& words);
  void PrintEventBlock(const std::string& line);
  void OnDefaultWatch(WatchOrigin origin, WatchEvent e);

  ShellOptions options_;
  Printer& printer_;
  std::string server_;
  std::atomic<bool> print_watches_{true};
  std::atomic<bool> silent_{false};
  std::vector<std::string> history_;
  int command_count_ = 0;
  int exit_code_ = 0;
  bool quit_ = false;
  std::unique_ptr<BlockingClient> client_;
  std::mutex removal_mu_;
  bool collecting_removals_ = false;        // guarded by removal_mu_
  std::vector<WatchEvent> removals_;        // guarded by removal_mu_; one per kind
  // The last event printed for a one-shot watch, until the next
  // registration; guarded by removal_mu_ (see OnDefaultWatch).
  std::optional<WatchEvent> last_one_shot_;
};

}  // namespace zk::cli

#endif  // ZK_CLI_SHELL_H_
