#ifndef NERVE_MTL_STUDY_RUNNER_H_
#define NERVE_MTL_STUDY_RUNNER_H_

#include <iostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/compute.h"
#include "study/grid.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

struct RunOptions {
  // Results go to <results_dir>/trials/<trial id>/, pretrained branches to
  // <results_dir>/pretrained/.
  std::string results_dir;
  // Other studies' results directories: a trial not yet in results_dir whose id has an OK result
  // in one of them is copied, not trained (the id names the whole resolved experiment, so a
  // strategies study shares the default study's single-task baselines).
  std::vector<std::string> reuse_dirs;
  int shard_index = 0;
  int shard_count = 1;
  std::ostream* log = &std::cerr;
  bool terminal = false;
  bool tensorboard = true;
  Compute compute;
};

struct RunSummary {
  int trials = 0;   // In this shard.
  int skipped = 0;  // Already had a result (finished or failed).
  int reused = 0;   // Copied from RunOptions::reuse_dirs.
  int trained = 0;
  int failed = 0;
  double seconds = 0.0;
};

// Runs the shard's share of `trials` in grid order. A trial with a result file is skipped (one
// in a reuse directory is copied), so a
// killed run loses nothing when rerun (an interrupted trial resumes from its checkpoint). A trial
// that fails (non-finite loss, unreadable data) gets a result with status FAILED and its reason,
// and the grid goes on. `trials` should have passed PrepareStudy (preflight.h).
absl::StatusOr<RunSummary> RunTrials(const Study& study, const std::vector<Trial>& trials,
                                     const RunOptions& options);

// PrepareStudy, then RunTrials: a study with a bad row fails with InvalidArgument before any
// trial trains or anything is written.
absl::StatusOr<RunSummary> RunStudy(const Study& study, const RunOptions& options);

// Copies trial results from shard result directories into `into`; the same trial in two
// shards (or already in `into`) must have the same result. Every shard is read and compared
// before anything is written, so a conflict (FailedPrecondition) or a missing shard (NotFound)
// leaves `into` as it was.
absl::Status MergeResults(const std::vector<std::string>& shard_dirs, const std::string& into);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_RUNNER_H_
