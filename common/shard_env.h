#ifndef NERVE_MTL_COMMON_SHARD_ENV_H_
#define NERVE_MTL_COMMON_SHARD_ENV_H_

// Which shard of a grid this process runs, read from the environment a cluster engine gives
// each task (for `--shard=auto`):
//  - Slurm job arrays (`sbatch --array=A-B`): SLURM_ARRAY_TASK_ID, _MIN, _MAX and _COUNT; the
//    shard is ID - MIN of COUNT. Arrays with a step or a list (`0-10:2`, `1,5,7`) leave gaps, so
//    some shards would never run: refused.
//  - Kubernetes Indexed Jobs (`completionMode: Indexed`): JOB_COMPLETION_INDEX; the total is not
//    in a pod's environment, so it comes from the caller (a flag) or NERVE_MTL_SHARD_COUNT.
// Both set and naming different shards is refused, as is neither.

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace nerve_mtl {

struct Shard {
  int index = 0;
  int count = 1;
  std::string source;  // "slurm" or "kubernetes", for the log.
};

// `getenv` returns a variable's value or nullopt (tests pass their own environment);
// `count` is the caller's shard count for Indexed Jobs, 0 when not given. Errors are one line,
// InvalidArgument, naming the variables.
absl::StatusOr<Shard> ShardFromEnvironment(
    const std::function<std::optional<std::string>(const std::string&)>& getenv, int count);

// The same with the process's environment.
absl::StatusOr<Shard> ShardFromEnvironment(int count);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_SHARD_ENV_H_
