#include "study/runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/child_process.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/textproto.h"
#include "google/protobuf/text_format.h"
#include "study/components.h"
#include "study/grid.h"
#include "study/preflight.h"
#include "study/spec.h"
#include "study/trainer.h"
#include "trial/layout.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Copies the OK trial `id` from the first of `from` that has it into `dir`: its top-level files,
// the result last and each written atomically, so an interrupted copy never looks finished.
// Returns false when no directory has it.
absl::StatusOr<bool> Reuse(const std::vector<std::string>& from, const std::string& id,
                           const fs::path& dir) {
  for (const std::string& other : from) {
    const fs::path source = trial::TrialDir(other, id);
    Result result;
    if (!fs::exists(trial::ResultFile(source)) ||
        !ReadTextProtoFile(trial::ResultFile(source).string(), &result).ok() ||
        result.status() != Result::OK) {
      continue;
    }
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) return absl::InternalError(absl::StrCat(dir.string(), ": ", error.message()));
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source)) {
      const fs::path& path = entry.path();
      if (entry.is_regular_file() && path != trial::ResultFile(source) &&
          path != trial::CheckpointFile(source)) {
        files.push_back(path);
      }
    }
    files.push_back(trial::ResultFile(source));
    for (const fs::path& file : files) {
      absl::StatusOr<std::string> bytes = ReadFile(file.string());
      if (!bytes.ok()) return bytes.status();
      if (absl::Status s = WriteFileAtomically((dir / file.filename()).string(), *bytes); !s.ok()) {
        return s;
      }
    }
    return true;
  }
  return false;
}

// A trial that ended without a result of its own: recorded, not fatal, so the grid goes on and
// the tables show the failure.
absl::StatusOr<Result> FailedResult(const std::string& id, const Experiment& experiment,
                                    const std::string& failure) {
  Result result;
  result.set_status(Result::FAILED);
  result.set_failure(failure);
  result.set_trial_id(id);
  *result.mutable_experiment() = ResolveExperiment(experiment);
  if (absl::Status s = RecordComponents(&result); !s.ok()) return s;
  return result;
}

// The last non-empty line of a child's log, shortened: why it ended, usually.
std::string LastLine(const std::string& log) {
  absl::StatusOr<std::string> text = ReadFile(log);
  if (!text.ok()) return "";
  absl::string_view rest = absl::StripTrailingAsciiWhitespace(*text);
  const size_t newline = rest.rfind('\n');
  std::string line(newline == absl::string_view::npos ? rest : rest.substr(newline + 1));
  if (line.size() > 300) line = line.substr(0, 300) + "...";
  return line;
}

// Trials side by side, each in a child process (docs/DESIGN.md §5, "Trials side by side"): the
// default generator, the thread pool and the compute flags of LibTorch are process-wide, so two
// trials in one process could not each be reproducible. A child writes its own result; the
// parent counts, prints one line as each trial starts and ends, and stops every child it
// started when it returns early.
class ChildTrials {
 public:
  ChildTrials(const std::vector<Trial>& trials, const RunOptions& options, RunSummary* summary)
      : trials_(trials), options_(options), summary_(summary) {}
  ChildTrials(const ChildTrials&) = delete;
  ChildTrials& operator=(const ChildTrials&) = delete;
  ~ChildTrials() { StopChildren(Pids()); }

  // Starts trial k once fewer than options.jobs children run.
  absl::Status Start(size_t k) {
    while (static_cast<int>(running_.size()) >= options_.jobs) {
      if (absl::Status s = WaitOne(); !s.ok()) return s;
    }
    const Trial& trial = trials_[k];
    const fs::path jobs = trial::JobsDir(options_.results_dir);
    std::error_code error;
    fs::create_directories(jobs, error);
    if (error) return absl::InternalError(absl::StrCat(jobs.string(), ": ", error.message()));
    // The grid's experiment, not a resolved one: it hashes to the trial id as in this process.
    const std::string spec = trial::JobSpecFile(options_.results_dir, trial.id).string();
    std::string text;
    google::protobuf::TextFormat::PrintToString(trial.experiment, &text);
    if (absl::Status s = WriteFileAtomically(spec, text); !s.ok()) return s;
    const std::string log = trial::JobLog(options_.results_dir, trial.id).string();
    absl::StatusOr<pid_t> pid = StartChild(options_.child_command(spec), log);
    if (!pid.ok()) return pid.status();
    if (start_ == 0.0) start_ = Now();
    running_[*pid] = Running{k, Now(), log};
    *options_.log << absl::StrFormat("[trial %d/%d] %s (seed %d, %s) started, %d running, log %s",
                                     k + 1, trials_.size(), TrialName(trial), trial.seed, trial.id,
                                     running_.size(), log)
                  << std::endl;
    return absl::OkStatus();
  }

  absl::Status Finish() {
    while (!running_.empty()) {
      if (absl::Status s = WaitOne(); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  struct Running {
    size_t k = 0;
    double start = 0.0;
    std::string log;
  };

  std::vector<pid_t> Pids() const {
    std::vector<pid_t> pids;
    for (const auto& [pid, running] : running_) pids.push_back(pid);
    return pids;
  }

  absl::Status WaitOne() {
    absl::StatusOr<ChildEnd> end = WaitForAnyChild(Pids());
    if (!end.ok()) return end.status();
    const Running running = running_.at(end->pid);
    running_.erase(end->pid);
    const Trial& trial = trials_[running.k];
    const fs::path dir = trial::TrialDir(options_.results_dir, trial.id);
    Result result;
    if (fs::exists(trial::ResultFile(dir))) {
      if (absl::Status s = ReadTextProtoFile(trial::ResultFile(dir).string(), &result); !s.ok()) {
        return s;
      }
    } else if (Interrupted(end->status)) {
      // Killed from outside, as a run in one process would be: its checkpoint stays.
      return absl::CancelledError(absl::StrCat(TrialName(trial), " (trial ", trial.id,
                                               "): its process was ", DescribeExit(end->status),
                                               "; rerun to resume"));
    } else {
      // A crash is a failed trial, as a failure in this process would be.
      const std::string last = LastLine(running.log);
      absl::StatusOr<Result> failed = FailedResult(
          trial.id, trial.experiment,
          absl::StrCat("its process ", DescribeExit(end->status), " without a result",
                       last.empty() ? "" : ": ", last));
      if (!failed.ok()) return failed.status();
      result = *std::move(failed);
      if (absl::Status s = WriteResult(dir.string(), result); !s.ok()) return s;
    }
    const double seconds = Now() - running.start;
    ++summary_->trained;
    trained_seconds_ += seconds;
    const int left = summary_->trials - summary_->trained - summary_->skipped - summary_->reused;
    // Mean seconds per trial, `jobs` at a time; what the running ones have done is ignored.
    const std::string eta = Progress::FormatDuration(trained_seconds_ / summary_->trained * left /
                                                     std::max(1, std::min(options_.jobs, left)));
    std::string what = absl::StrCat("finished in ", Progress::FormatDuration(seconds));
    if (result.status() != Result::OK) {
      ++summary_->failed;
      what = absl::StrCat("FAILED: ", result.failure(), " (log ", running.log, ")");
    }
    *options_.log << absl::StrFormat(
                         "[trial %d/%d] %s (seed %d, %s) %s  done %d, skipped %d, "
                         "failed %d, running %d  elapsed %s ETA %s",
                         running.k + 1, trials_.size(), TrialName(trial), trial.seed, trial.id,
                         what, summary_->trained, summary_->skipped, summary_->failed,
                         running_.size(), Progress::FormatDuration(Now() - start_), eta)
                  << std::endl;
    return absl::OkStatus();
  }

  const std::vector<Trial>& trials_;
  const RunOptions& options_;
  RunSummary* summary_;
  std::map<pid_t, Running> running_;
  double start_ = 0.0;
  double trained_seconds_ = 0.0;
};

}  // namespace

absl::StatusOr<Result> TrainAndRecord(const Experiment& experiment, const RunOptions& options) {
  const std::string id = TrialId(experiment);
  const fs::path dir = trial::TrialDir(options.results_dir, id);
  TrainOptions train;
  train.out_dir = dir.string();
  train.pretrained_dir = trial::PretrainedDir(options.results_dir).string();
  train.log = options.log;
  train.terminal = options.terminal;
  train.tensorboard = options.tensorboard;
  train.compute = options.compute;
  absl::StatusOr<Result> result = TrainExperiment(experiment, train);
  if (!result.ok()) {
    if (result.status().code() == absl::StatusCode::kCancelled) return result.status();
    result = FailedResult(id, experiment, std::string(result.status().message()));
    if (!result.ok()) return result.status();
  } else if (options.jobs > 1) {
    result->mutable_environment()->set_jobs(options.jobs);
  }
  if (absl::Status s = WriteResult(dir.string(), *result); !s.ok()) return s;
  return result;
}

absl::StatusOr<RunSummary> RunStudy(const Study& study, const RunOptions& options) {
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  if (!plan.ok()) return plan.status();
  return RunTrials(study, plan->trials, options);
}

absl::StatusOr<RunSummary> RunTrials(const Study& study, const std::vector<Trial>& all,
                                     const RunOptions& options) {
  const std::vector<Trial> trials = ShardTrials(all, options.shard_index, options.shard_count);
  RunSummary summary;
  summary.trials = static_cast<int>(trials.size());
  const double start = Now();
  double trained_seconds = 0.0;
  if (options.jobs > 1 && !options.child_command) {
    return absl::InvalidArgumentError("jobs > 1 needs a child command");
  }
  ChildTrials children(trials, options, &summary);
  for (size_t k = 0; k < trials.size(); ++k) {
    const Trial& trial = trials[k];
    const fs::path dir = trial::TrialDir(options.results_dir, trial.id);
    if (fs::exists(trial::ResultFile(dir))) {
      ++summary.skipped;
      continue;
    }
    absl::StatusOr<bool> reused = Reuse(options.reuse_dirs, trial.id, dir);
    if (!reused.ok()) return reused.status();
    if (*reused) {
      ++summary.reused;
      *options.log << absl::StrFormat("[trial %d/%d] %s (seed %d, %s) reused from another study",
                                      k + 1, trials.size(), TrialName(trial), trial.seed, trial.id)
                   << std::endl;
      continue;
    }
    if (options.jobs > 1) {
      if (absl::Status s = children.Start(k); !s.ok()) return s;
      continue;
    }
    // ETA from the trials trained in this run; finished ones cost nothing.
    const int left = static_cast<int>(trials.size() - k);
    const std::string eta = summary.trained > 0
                                ? Progress::FormatDuration(trained_seconds / summary.trained * left)
                                : "?";
    *options.log << absl::StrFormat(
                        "[trial %d/%d] %s (seed %d, %s)  done %d, skipped %d, "
                        "failed %d  elapsed %s ETA %s",
                        k + 1, trials.size(), TrialName(trial), trial.seed, trial.id,
                        summary.trained, summary.skipped, summary.failed,
                        Progress::FormatDuration(Now() - start), eta)
                 << std::endl;
    const double trial_start = Now();
    absl::StatusOr<Result> result = TrainAndRecord(trial.experiment, options);
    if (!result.ok()) return result.status();
    if (result->status() == Result::FAILED) {
      ++summary.failed;
      *options.log << "[trial " << k + 1 << "/" << trials.size() << "] " << TrialName(trial)
                   << " FAILED: " << result->failure() << std::endl;
    }
    ++summary.trained;
    trained_seconds += Now() - trial_start;
  }
  if (absl::Status s = children.Finish(); !s.ok()) return s;
  summary.seconds = Now() - start;
  *options.log << absl::StrFormat(
                      "study %s: %d trials, %d trained (%d failed), %d already done, "
                      "%d reused, %s",
                      study.name(), summary.trials, summary.trained, summary.failed,
                      summary.skipped, summary.reused, Progress::FormatDuration(summary.seconds))
               << std::endl;
  return summary;
}

absl::Status MergeResults(const std::vector<std::string>& shard_dirs, const std::string& into) {
  // Everything is read and compared first, so a conflict writes nothing.
  std::map<fs::path, std::string> to_write;  // Target file -> text.
  for (const std::string& shard : shard_dirs) {
    const fs::path trials = trial::TrialsDir(shard);
    if (!fs::is_directory(trials)) {
      return absl::NotFoundError(absl::StrCat(trials.string(), ": not a results directory"));
    }
    for (const auto& entry : fs::directory_iterator(trials)) {
      const fs::path result = trial::ResultFile(entry.path());
      if (!fs::exists(result)) continue;  // An unfinished trial stays with its shard.
      const fs::path target =
          trial::ResultFile(trial::TrialDir(into, entry.path().filename().string()));
      absl::StatusOr<std::string> text = ReadFile(result.string());
      if (!text.ok()) return text.status();
      absl::StatusOr<std::string> existing = *text;
      if (to_write.count(target)) {
        existing = to_write[target];
      } else if (fs::exists(target)) {
        existing = ReadFile(target.string());
      }
      if (!existing.ok()) return existing.status();
      if (*existing != *text) {
        return absl::FailedPreconditionError(absl::StrCat(result.string(), " differs from ",
                                                          target.string(), " for the same trial"));
      }
      if (!fs::exists(target)) to_write[target] = *text;
    }
  }
  for (const auto& [target, text] : to_write) {
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error) {
      return absl::InternalError(
          absl::StrCat(target.parent_path().string(), ": ", error.message()));
    }
    if (absl::Status s = WriteFileAtomically(target.string(), text); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace nerve_mtl::study
