#ifndef NERVE_MTL_STUDY_SHARD_AUTO_H_
#define NERVE_MTL_STUDY_SHARD_AUTO_H_

// The study binaries' `--shard`: "i/n" as typed, or "auto", read from the environment a Slurm
// job array or a Kubernetes Indexed Job gives each task (common/shard_env.h); and a shard's run
// bracketed by its record (study/study_identity.h). docs/DESIGN.md §8.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/shard_env.h"
#include "study/grid.h"
#include "study/runner.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// `shard` is "auto" or "i/n"; `count` (--shard_count, 0 when not given) is the shard count an
// Indexed Job's pods cannot see, and goes only with "auto". Errors are one line, InvalidArgument.
absl::StatusOr<Shard> ResolveShard(const std::string& shard, int count, const GetEnv& getenv);
absl::StatusOr<Shard> ResolveShard(const std::string& shard, int count);

// Who runs this shard, for the record and the merge's messages: "Slurm job 12_3 on node7",
// "Kubernetes index 2 on pod-x-2", else "pid 123 on host".
std::string TaskName(const GetEnv& getenv);
std::string TaskName();

// RunTrials for the shard in `options`, with its record written under options.results_dir
// before the first trial (RUNNING, so that a task that dies is known) and after the last
// (FINISHED, listing the shard's failed trials, those of earlier runs included).
absl::StatusOr<RunSummary> RunRecordedTrials(const Study& study, const std::vector<Trial>& trials,
                                             const RunOptions& options, const std::string& task);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_SHARD_AUTO_H_
