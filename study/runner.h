#ifndef NERVE_MTL_STUDY_RUNNER_H_
#define NERVE_MTL_STUDY_RUNNER_H_

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/compute.h"
#include "study/grid.h"
#include "trial/result.pb.h"
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
  // Trials trained side by side, each in a child process of its own (docs/DESIGN.md §5, "Trials
  // side by side"); 1 trains them in this process, one after another. A result records jobs
  // above 1 (Environment.jobs), so a child is given its run's value too.
  int jobs = 1;
  // With jobs > 1: the command line of a child that trains the experiment in the text file
  // `spec` (named <trial id>.textproto) with TrainAndRecord and exits 0 once the result is
  // written; the study binaries re-run themselves with --trial_spec (run_study.cc).
  std::function<std::vector<std::string>(const std::string& spec)> child_command;
};

struct RunSummary {
  int trials = 0;   // In this shard.
  int skipped = 0;  // Already had a result (finished or failed).
  int reused = 0;   // Copied from RunOptions::reuse_dirs.
  int trained = 0;
  int failed = 0;
  double seconds = 0.0;
};

// Trains `experiment` into <results_dir>/trials/<TrialId>/ and writes its result there, a
// failure (non-finite loss, unreadable data) as a FAILED result with its reason, and returns
// what it wrote. Errors: a Cancelled training, and a result that could not be written.
absl::StatusOr<Result> TrainAndRecord(const Experiment& experiment, const RunOptions& options);

// Runs the shard's share of `trials` in grid order. A trial with a result file is skipped (one
// in a reuse directory is copied), so a
// killed run loses nothing when rerun (an interrupted trial resumes from its checkpoint). A trial
// that fails (non-finite loss, unreadable data) gets a result with status FAILED and its reason,
// and the grid goes on. `trials` should have passed PrepareStudy (preflight.h). With jobs > 1,
// up to `jobs` trials train at once in child processes (output in <results_dir>/jobs/<id>.log);
// a child that ends without a result is a FAILED trial, unless a signal from outside (SIGINT,
// SIGTERM, SIGKILL) ended it: then the run stops, as a killed run does, and resumes when rerun.
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
