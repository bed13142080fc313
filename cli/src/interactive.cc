#include "interactive.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <editline/readline.h>
#include <fmt/format.h>

#include "format.h"

namespace zk::cli {
namespace {

// libedit's callback interface takes plain functions; the loop runs one
// shell at a time, so it is reached through this pointer.
Shell* g_shell = nullptr;
bool g_done = false;
std::vector<std::string> g_matches;

std::string Prompt(Shell& sh) {
  return fmt::format("[zk: {}({}) {}] ", sh.server(), PromptStateText(sh.state()), sh.command_count());
}

void OnLine(char* line) {
  if (line == nullptr) {  // end of input (Ctrl-D)
    g_done = true;
    printf("\n");
    return;
  }
  std::string text(line);
  free(line);
  if (!text.empty()) add_history(text.c_str());
  g_shell->ExecuteLine(text);
  if (g_shell->quit_requested()) g_done = true;
}

char* Generator(const char*, int state) {
  static size_t index;
  if (state == 0) index = 0;
  if (index >= g_matches.size()) return nullptr;
  return strdup(g_matches[index++].c_str());
}

char** Complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;
  bool first_word = true;
  for (int i = 0; i < start; ++i) {
    if (rl_line_buffer[i] != ' ') first_word = false;
  }
  g_matches = Completions(*g_shell, text, first_word);
  // A directory-like path completion should let the user go on typing.
  rl_completion_append_character = first_word ? ' ' : '\0';
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, Generator);
}

// Prints queued events above the prompt, then redraws prompt and line.
void FlushEvents(Shell& sh, bool redraw) {
  auto events = sh.printer().TakeEvents();
  if (events.empty() && !redraw) return;
  if (!events.empty()) {
    std::string all;
    for (auto& e : events) all += e;
    // Clear the line being edited, print, and let libedit draw it again.
    fputs("\r\033[K", stdout);
    fputs(all.c_str(), stdout);
    fflush(stdout);
  }
  rl_set_prompt(Prompt(sh).c_str());
  rl_forced_update_display();
}

}  // namespace

std::vector<std::string> Completions(Shell& sh, const std::string& text, bool first_word) {
  std::vector<std::string> out;
  if (first_word) {
    for (const auto& c : Commands()) {
      if (c.name.rfind(text, 0) == 0) out.push_back(c.name);
    }
    return out;
  }
  if (text.empty() || text[0] != '/' || !sh.Alive()) return out;
  size_t slash = text.rfind('/');
  std::string parent = slash == 0 ? "/" : text.substr(0, slash);
  std::string prefix = text.substr(slash + 1);
  auto r = sh.client()->GetChildren(parent);
  if (!r.ok()) return out;
  for (const auto& c : r->children) {
    if (c.rfind(prefix, 0) == 0) out.push_back((parent == "/" ? "/" : parent + "/") + c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int RunInteractive(Shell& sh, const std::string& history_file) {
  g_shell = &sh;
  g_done = false;
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  sh.printer().DeferEvents([fd = pipefd[1]] {
    char b = 'e';
    ssize_t n = write(fd, &b, 1);
    (void)n;
  });
  rl_readline_name = const_cast<char*>("zkcli");
  rl_attempted_completion_function = Complete;
  using_history();
  if (!history_file.empty()) read_history(history_file.c_str());
  rl_callback_handler_install(Prompt(sh).c_str(), OnLine);
  while (!g_done) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {pipefd[0], POLLIN, 0}};
    int n = poll(fds, 2, 500);
    if (n < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) {
      char buf[256];
      while (read(pipefd[0], buf, sizeof buf) > 0) {
      }
      FlushEvents(sh, false);
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      int before = sh.command_count();
      rl_callback_read_char();
      if (g_done) break;
      if (sh.command_count() != before) {
        // A command ran: show events it caused, then a fresh prompt.
        auto events = sh.printer().TakeEvents();
        for (auto& e : events) fputs(e.c_str(), stdout);
        fflush(stdout);
        rl_set_prompt(Prompt(sh).c_str());
        rl_callback_handler_remove();
        rl_callback_handler_install(Prompt(sh).c_str(), OnLine);
      }
    }
  }
  rl_callback_handler_remove();
  sh.printer().DeferEvents({});
  for (auto& e : sh.printer().TakeEvents()) sh.printer().Out(e);
  if (!history_file.empty()) {
    write_history(history_file.c_str());
    history_truncate_file(history_file.c_str(), 1000);
  }
  close(pipefd[0]);
  close(pipefd[1]);
  g_shell = nullptr;
  return sh.exit_code();
}

}  // namespace zk::cli
