#include "shell.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "format.h"

namespace zk::cli {

Shell::Shell(ShellOptions options, Printer& printer)
    : options_(std::move(options)), printer_(printer), server_(options_.server) {}

Shell::~Shell() {
  // zkCli.sh exits at the end of its input without closing the session and
  // so prints no "Closed" event; close ours quietly.
  silent_ = true;
  CloseSession();
  client_.reset();
}

void Shell::PrintEventBlock(const std::string& line) {
  if (silent_ || !print_watches_) return;
  printer_.Event("\nWATCHER::\n\n" + line + "\n");
}

Watcher Shell::DefaultWatcher(WatchOrigin origin) {
  {
    // A new registration: the next event like the last one printed is a
    // new notification, not a second call for the same one.
    std::lock_guard<std::mutex> lock(removal_mu_);
    last_one_shot_.reset();
  }
  return [this, origin](const WatchEvent& e) { OnDefaultWatch(origin, e); };
}

void Shell::OnDefaultWatch(WatchOrigin origin, WatchEvent e) {
  // The SDK tells every watch registration that the session ended (type
  // None). zkCli's watcher is its default watcher too and is told once;
  // ours prints session events from the session watcher only.
  if (e.type == EventType::kNone) return;
  bool removal = e.type == EventType::kDataWatchRemoved || e.type == EventType::kChildWatchRemoved ||
                 e.type == EventType::kPersistentWatchRemoved;
  if (removal) {
    // The SDK names the kind of removal; zkCli names the table the watcher
    // was in (ZKWatchManager.removeWatcher).
    e.type = origin == WatchOrigin::kChild  ? EventType::kChildWatchRemoved
             : origin == WatchOrigin::kData ? EventType::kDataWatchRemoved
                                            : EventType::kPersistentWatchRemoved;
    std::lock_guard<std::mutex> lock(removal_mu_);
    if (collecting_removals_) {
      bool seen = std::any_of(removals_.begin(), removals_.end(),
                              [&](const WatchEvent& r) { return r.type == e.type && r.path == e.path; });
      if (!seen) removals_.push_back(std::move(e));
      return;
    }
  } else if (e.type != EventType::kNone) {
    // zkCli's one watcher sits in sets: a notification calls it once however
    // many of its one-shot registrations (get -w, stat -w, ls -w) and
    // persistent ones it matches. The SDK calls every registration, one-shot
    // ones first, all in one go; a one-shot watch fires again only after a
    // new registration, which clears last_one_shot_ (DefaultWatcher).
    std::lock_guard<std::mutex> lock(removal_mu_);
    bool again = last_one_shot_ && last_one_shot_->type == e.type && last_one_shot_->path == e.path;
    if (origin != WatchOrigin::kPersistent) {
      if (again) return;
      last_one_shot_ = e;
    } else if (again) {
      last_one_shot_.reset();  // this notification's persistent call
      return;
    }
  }
  PrintEventBlock(FormatEvent(e));
}

void Shell::BeginWatchRemoval() {
  std::lock_guard<std::mutex> lock(removal_mu_);
  collecting_removals_ = true;
  removals_.clear();
}

bool Shell::EndWatchRemoval() {
  std::vector<WatchEvent> events;
  {
    std::lock_guard<std::mutex> lock(removal_mu_);
    collecting_removals_ = false;
    events.swap(removals_);
  }
  for (const auto& e : events) PrintEventBlock(FormatEvent(e));
  return !events.empty();
}

bool Shell::Connect(const std::string& server) {
  CloseSession();
  client_.reset();
  server_ = server;
  ClientOptions o;
  o.connect_string = server;
  o.session_timeout = options_.timeout;
  o.can_be_read_only = options_.read_only;
  // zkCli's session does not follow the ensemble by itself; `updateserverlist`
  // moves it on request.
  o.track_ensemble = false;
  if (options_.client_config) ApplyClientConfigFile(*options_.client_config, &o);
  // Without ZK_LOG only errors are shown (e.g. why every server refused the
  // TLS connection), as zkCli.sh's log4j console shows its ERROR lines.
  o.logger = std::getenv("ZK_LOG") != nullptr
                 ? Logger::Stderr()
                 : std::make_shared<Logger>(
                       [](LogLevel, std::string_view line) {
                         fmt::print(stderr, "[zk ERROR] {}\n", line);
                       },
                       LogLevel::kError);
  o.session_watcher = [this](SessionState s) {
    if (auto text = FormatSessionEvent(s)) PrintEventBlock(*text);
  };
  auto c = BlockingClient::Connect(std::move(o), options_.connect_wait, options_.timeout);
  if (!c.ok()) return false;
  client_ = std::move(c).value();
  return true;
}

void Shell::CloseSession() {
  // BlockingClient::Close on a session that already ended waits for its
  // op_timeout (a client quirk); close only live sessions.
  if (Alive()) client_->Close();
}

SessionState Shell::state() {
  return client_ ? client_->state() : SessionState::kClosed;
}

bool Shell::Alive() {
  if (!client_) return false;
  SessionState s = client_->state();
  return s != SessionState::kClosed && s != SessionState::kExpired && s != SessionState::kAuthFailed;
}

void Shell::PrintUsage() {
  std::string text = "ZooKeeper -server host:port -client-configuration properties-file cmd args\n";
  for (const auto& c : Commands()) text += "\t" + c.usage + "\n";
  printer_.Err(text);
}

int Shell::ExecuteLine(const std::string& line) {
  if (line.empty()) return exit_code_;
  history_.resize(command_count_ + 1);
  history_[command_count_] = line;
  int rc = Dispatch(SplitCommandLine(line));
  ++command_count_;
  return rc;
}

int Shell::ExecuteWords(const std::vector<std::string>& words) { return Dispatch(words); }

int Shell::RunHistoryEntry(int index) {
  history_[command_count_] = history_[index];
  return Dispatch(SplitCommandLine(history_[index]));
}

int Shell::Dispatch(const std::vector<std::string>& words) {
  if (words.empty()) {
    PrintUsage();
    printer_.Err("No command entered\n");
    return exit_code_ = 1;
  }
  const Command* cmd = FindCommand(words[0]);
  if (cmd == nullptr) {
    PrintUsage();
    printer_.Err(fmt::format("Command not found: Command not found {}\n", words[0]));
    return exit_code_ = 127;
  }
  if (cmd->needs_session && !Alive()) {
    printer_.Out("Not connected\n");
    return exit_code_ = 0;
  }
  ParsedArgs args;
  if (auto err = ParseArgs(words, cmd->options, &args)) {
    printer_.Err(err->message + "\n");
    return exit_code_ = 1;
  }
  CmdResult r = cmd->run(*this, args);
  if (quit_) return exit_code_;
  if (r) {
    if (!r->message.empty()) printer_.Err(r->message + "\n");
    return exit_code_ = r->code;
  }
  return exit_code_ = 0;
}

}  // namespace zk::cli
