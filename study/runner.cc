#include "study/runner.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/textproto.h"
#include "study/grid.h"
#include "study/preflight.h"
#include "study/result.pb.h"
#include "study/spec.h"
#include "study/trainer.h"

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
    const fs::path source = fs::path(other) / "trials" / id;
    Result result;
    if (!fs::exists(source / "result.textproto") ||
        !ReadTextProtoFile((source / "result.textproto").string(), &result).ok() ||
        result.status() != Result::OK) {
      continue;
    }
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) return absl::InternalError(absl::StrCat(dir.string(), ": ", error.message()));
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name != "result.textproto" && name != "checkpoint.pt") {
        files.push_back(entry.path());
      }
    }
    files.push_back(source / "result.textproto");
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

}  // namespace

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
  for (size_t k = 0; k < trials.size(); ++k) {
    const Trial& trial = trials[k];
    const fs::path dir = fs::path(options.results_dir) / "trials" / trial.id;
    if (fs::exists(dir / "result.textproto")) {
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
    // ETA from the trials trained in this run; finished ones cost nothing.
    const int left = static_cast<int>(trials.size() - k);
    const std::string eta =
        summary.trained > 0 ? Progress::FormatDuration(trained_seconds / summary.trained * left)
                            : "?";
    *options.log << absl::StrFormat("[trial %d/%d] %s (seed %d, %s)  done %d, skipped %d, "
                                    "failed %d  elapsed %s ETA %s",
                                    k + 1, trials.size(), TrialName(trial), trial.seed, trial.id,
                                    summary.trained, summary.skipped, summary.failed,
                                    Progress::FormatDuration(Now() - start), eta)
                 << std::endl;
    TrainOptions train;
    train.out_dir = dir.string();
    train.pretrained_dir = (fs::path(options.results_dir) / "pretrained").string();
    train.log = options.log;
    train.terminal = options.terminal;
    train.tensorboard = options.tensorboard;
    train.compute = options.compute;
    const double trial_start = Now();
    absl::StatusOr<Result> result = TrainExperiment(trial.experiment, train);
    if (!result.ok()) {
      if (result.status().code() == absl::StatusCode::kCancelled) return result.status();
      // Recorded, not fatal: the grid goes on and the tables show the failure.
      Result failed;
      failed.set_status(Result::FAILED);
      failed.set_failure(std::string(result.status().message()));
      failed.set_trial_id(trial.id);
      *failed.mutable_experiment() = ResolveExperiment(trial.experiment);
      result = failed;
      ++summary.failed;
      *options.log << "[trial " << k + 1 << "/" << trials.size() << "] " << TrialName(trial)
                   << " FAILED: " << failed.failure() << std::endl;
    }
    if (absl::Status s = WriteResult(dir.string(), *result); !s.ok()) return s;
    ++summary.trained;
    trained_seconds += Now() - trial_start;
  }
  summary.seconds = Now() - start;
  *options.log << absl::StrFormat("study %s: %d trials, %d trained (%d failed), %d already done, "
                                  "%d reused, %s",
                                  study.name(), summary.trials, summary.trained, summary.failed,
                                  summary.skipped, summary.reused,
                                  Progress::FormatDuration(summary.seconds))
               << std::endl;
  return summary;
}

absl::Status MergeResults(const std::vector<std::string>& shard_dirs, const std::string& into) {
  // Everything is read and compared first, so a conflict writes nothing.
  std::map<fs::path, std::string> to_write;  // Target file -> text.
  for (const std::string& shard : shard_dirs) {
    const fs::path trials = fs::path(shard) / "trials";
    if (!fs::is_directory(trials)) {
      return absl::NotFoundError(absl::StrCat(trials.string(), ": not a results directory"));
    }
    for (const auto& entry : fs::directory_iterator(trials)) {
      const fs::path result = entry.path() / "result.textproto";
      if (!fs::exists(result)) continue;  // An unfinished trial stays with its shard.
      const fs::path target =
          fs::path(into) / "trials" / entry.path().filename() / "result.textproto";
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
