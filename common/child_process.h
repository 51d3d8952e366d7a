#ifndef NERVE_MTL_COMMON_CHILD_PROCESS_H_
#define NERVE_MTL_COMMON_CHILD_PROCESS_H_

// Child processes that die with their parent. The study runner's --jobs trains each trial in a
// child of its own, since LibTorch's generator, thread pool and compute flags are process-wide
// (docs/DESIGN.md §5, "Trials side by side"); a run that is killed must not leave trainers
// behind writing into its results folder. Linux only (PR_SET_PDEATHSIG).

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nerve_mtl {

// Starts `argv[0]` (a path; PATH is not searched) with `argv`, stdin from /dev/null and stdout
// and stderr into `log` (created or truncated). The child gets SIGTERM when the thread that
// started it ends, so call it from the thread that lives as long as the process (main): a
// parent killed by any signal, SIGKILL included, takes its children along.
absl::StatusOr<pid_t> StartChild(const std::vector<std::string>& argv, const std::string& log);

struct ChildEnd {
  pid_t pid = 0;
  int status = 0;  // As waitpid reports it.
};

// Waits until one of `pids` (this process's children) ends; polls, so that children started by
// others (popen) are never reaped here. `pids` must not be empty.
absl::StatusOr<ChildEnd> WaitForAnyChild(const std::vector<pid_t>& pids);

// "exited with status 3", "killed by signal 11 (Segmentation fault)".
std::string DescribeExit(int status);

// True when a signal that stops a job from outside (SIGINT, SIGTERM, SIGKILL, SIGHUP, SIGQUIT)
// ended the child: someone interrupted the run, which is not a failure of the trial.
bool Interrupted(int status);

// Sends SIGTERM to each of `pids` and waits for them all.
void StopChildren(const std::vector<pid_t>& pids);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_CHILD_PROCESS_H_
