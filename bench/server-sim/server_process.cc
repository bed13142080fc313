#include "server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "admin_client.h"
#include "zk/wire/connect_string.h"

namespace zk::bench {
namespace {

using namespace std::chrono;

// fork + exec with stdout into `out_fd` (or /dev/null when -1), stderr into
// `err_path` (or /dev/null when empty), stdin from /dev/null.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int out_fd, const std::string& err_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return Result<pid_t>(Error::kSystemError, fmt::format("fork: {}", strerror(errno)));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);  // the parent died before prctl
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd >= 0 ? out_fd : devnull, STDOUT_FILENO);
    int err =
        err_path.empty() ? devnull : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(err >= 0 ? err : devnull, STDERR_FILENO);
    // Close everything else (the benchmark may hold thousands of sockets).
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

Result<uint16_t> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Result<uint16_t>(Error::kSystemError, "socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd);
    return Result<uint16_t>(Error::kSystemError, "bind");
  }
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

ServerProcess::ServerProcess(ServerProcess&& o) noexcept
    : pid_(o.pid_), connect_(std::move(o.connect_)), dir_(std::move(o.dir_)) {
  o.pid_ = -1;
  o.dir_.clear();
}

ServerProcess& ServerProcess::operator=(ServerProcess&& o) noexcept {
  if (this != &o) {
    Stop();
    pid_ = o.pid_;
    connect_ = std::move(o.connect_);
    dir_ = std::move(o.dir_);
    o.pid_ = -1;
    o.dir_.clear();
  }
  return *this;
}

void ServerProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    auto deadline = steady_clock::now() + 10s;
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

Result<ServerProcess> StartZksim(const std::string& bin, int servers, int tick_ms) {
  char tmpl[] = "/tmp/zkbench-zksim-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Result<ServerProcess>(Error::kSystemError, "mkdtemp");
  std::string dir = tmpl;
  // stdout and stderr go to files (zksim logs every closed connection), so a
  // full pipe can never block or kill it.
  int out = open((dir + "/stdout.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) return Result<ServerProcess>(Error::kSystemError, "open stdout.log");
  auto pid = Spawn({bin, "serve", "--servers", std::to_string(servers), "--client-port-base", "0",
                    "--tick", std::to_string(tick_ms), "--4lw-whitelist", "*"},
                   out, dir + "/stderr.log");
  close(out);
  if (!pid.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return pid.status();
  }
  ServerProcess proc(*pid, "", dir);
  const std::string prefix = "connect: ";
  auto deadline = steady_clock::now() + 30s;
  std::string line;
  while (true) {
    std::ifstream f(dir + "/stdout.log");
    if (std::getline(f, line) && !f.eof()) break;  // a complete first line
    if (steady_clock::now() > deadline || waitpid(proc.pid(), nullptr, WNOHANG) != 0) {
      return Result<ServerProcess>(Error::kSystemError,
                                   fmt::format("{} did not start (see {}/stderr.log)", bin, dir));
    }
    std::this_thread::sleep_for(20ms);
  }
  if (line.rfind(prefix, 0) != 0) {
    return Result<ServerProcess>(Error::kSystemError,
                                 fmt::format("{} printed \"{}\", not \"connect: …\"", bin, line));
  }
  pid_t p = proc.pid();
  proc.Release();
  return ServerProcess(p, line.substr(prefix.size()), dir);
}

Result<ServerProcess> StartZooKeeper(const std::string& jar, int tick_ms) {
  if (!std::filesystem::exists(jar)) {
    return Result<ServerProcess>(Error::kSystemError, fmt::format("{} not found", jar));
  }
  auto port = FreePort();
  if (!port.ok()) return port.status();
  char tmpl[] = "/tmp/zkbench-zk-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Result<ServerProcess>(Error::kSystemError, "mkdtemp");
  std::string dir = tmpl;
  {
    std::ofstream cfg(dir + "/zoo.cfg");
    cfg << fmt::format(
        "tickTime={}\ndataDir={}/data\nclientPort={}\nclientPortAddress=127.0.0.1\n"
        "maxClientCnxns=0\n4lw.commands.whitelist=*\nadmin.enableServer=false\n",
        tick_ms, dir, *port);
    std::ofstream log(dir + "/log4j.properties");
    log << "log4j.rootLogger=WARN, FILE\n"
           "log4j.appender.FILE=org.apache.log4j.FileAppender\n"
        << "log4j.appender.FILE.File=" << dir << "/zookeeper.log\n"
        << "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout\n"
           "log4j.appender.FILE.layout.ConversionPattern=%d %-5p [%t:%C{1}@%L] - %m%n\n";
  }
  std::filesystem::create_directories(dir + "/data");
  auto pid =
      Spawn({"/usr/bin/java", "-Xmx512m", "-Dlog4j.configuration=file:" + dir + "/log4j.properties",
             "-cp", jar, "org.apache.zookeeper.server.ZooKeeperServerMain", dir + "/zoo.cfg"},
            -1, dir + "/stderr.log");
  if (!pid.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return pid.status();
  }
  std::string connect = fmt::format("127.0.0.1:{}", *port);
  ServerProcess proc(*pid, connect, dir);
  auto deadline = steady_clock::now() + 60s;
  while (FourLetter(connect, "srvr").find("Mode: standalone") == std::string::npos) {
    if (steady_clock::now() > deadline || waitpid(proc.pid(), nullptr, WNOHANG) != 0) {
      return Result<ServerProcess>(Error::kSystemError,
                                   fmt::format("ZooKeeper did not start (see {}/stderr.log)", dir));
    }
    std::this_thread::sleep_for(200ms);
  }
  return proc;
}

ProcFigures ReadProc(pid_t pid) {
  ProcFigures f;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start at ") ".
  size_t close_paren = all.rfind(')');
  if (close_paren != std::string::npos) {
    std::istringstream in(all.substr(close_paren + 2));
    std::vector<std::string> fields;
    std::string field;
    while (in >> field) fields.push_back(field);
    // utime and stime are fields 14 and 15 of stat(5); here 0-based 11, 12.
    if (fields.size() > 12) {
      const auto hz = static_cast<double>(sysconf(_SC_CLK_TCK));
      f.user_seconds = std::stod(fields[11]) / hz;
      f.cpu_seconds = f.user_seconds + std::stod(fields[12]) / hz;
    }
  }
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) f.rss_kib = std::stol(line.substr(6));
    if (line.rfind("Threads:", 0) == 0) f.threads = std::stoi(line.substr(8));
  }
  return f;
}

std::string FourLetter(const std::string& host_port, const std::string& word,
                       milliseconds timeout) {
  Result<HostPort> server = wire::ParseHostPortElement(host_port);
  if (!server.ok()) return "";
  Result<std::string> answer = cli::FourLetter(*server, word, timeout);
  return answer.ok() ? *answer : "";
}

}  // namespace zk::bench
