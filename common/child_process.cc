#include "common/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"

namespace nerve_mtl {

absl::StatusOr<pid_t> StartChild(const std::vector<std::string>& argv, const std::string& log) {
  if (argv.empty()) return absl::InvalidArgumentError("no command to start");
  // Everything the child needs is made before fork: between fork and exec a child of a
  // multithreaded process may only make async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return absl::InternalError(absl::StrCat(log, ": ", std::strerror(errno)));
  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    close(out);
    return absl::InternalError(absl::StrCat("/dev/null: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The parent may have died before prctl: then nobody would send the signal.
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(127);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(127);
    execv(args[0], args.data());
    static constexpr char kMessage[] = "exec failed\n";
    (void)!write(2, kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  const int fork_errno = errno;
  close(out);
  close(in);
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork for ", argv[0], ": ", std::strerror(fork_errno)));
  }
  return pid;
}

absl::StatusOr<ChildEnd> WaitForAnyChild(const std::vector<pid_t>& pids) {
  if (pids.empty()) return absl::InvalidArgumentError("no child to wait for");
  // A trial takes seconds at least; a tenth of a second of latency costs nothing.
  for (;;) {
    for (const pid_t pid : pids) {
      int status = 0;
      const pid_t ended = waitpid(pid, &status, WNOHANG);
      if (ended == pid) return ChildEnd{pid, status};
      if (ended < 0 && errno != EINTR) {
        return absl::InternalError(absl::StrCat("waitpid ", pid, ": ", std::strerror(errno)));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return absl::StrCat("killed by signal ", signal, " (", strsignal(signal), ")");
  }
  return absl::StrCat("ended with wait status ", status);
}

bool Interrupted(int status) {
  if (!WIFSIGNALED(status)) return false;
  switch (WTERMSIG(status)) {
    case SIGINT:
    case SIGTERM:
    case SIGKILL:
    case SIGHUP:
    case SIGQUIT:
      return true;
    default:
      return false;
  }
}

void StopChildren(const std::vector<pid_t>& pids) {
  for (const pid_t pid : pids) kill(pid, SIGTERM);
  for (const pid_t pid : pids) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace nerve_mtl
