#include "study/rerun.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/textproto.h"
#include "study/compare_results.h"
#include "study/spec.h"
#include "trial/layout.h"

namespace nerve_mtl::study {

namespace fs = std::filesystem;

absl::StatusOr<SavedTrial> ReadSavedTrial(const std::string& dir) {
  SavedTrial trial;
  trial.dir = dir;
  const std::string spec = trial::ExperimentFile(dir).string();
  const std::string result = trial::ResultFile(dir).string();
  for (const std::string& path : {spec, result}) {
    if (!fs::is_regular_file(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": no such file (--rerun takes a trial folder, trials/<id>/)"));
    }
  }
  absl::StatusOr<Experiment> experiment = LoadExperiment(spec, {});
  if (!experiment.ok()) return absl::InvalidArgumentError(experiment.status().message());
  trial.experiment = *std::move(experiment);
  if (absl::Status s = ReadTextProtoFile(result, &trial.result); !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  if (trial.result.status() != Result::OK) {
    return absl::InvalidArgumentError(absl::StrCat(
        result, ": the trial did not finish (", Result::Status_Name(trial.result.status()),
        trial.result.failure().empty() ? "" : absl::StrCat(": ", trial.result.failure()),
        "); there is nothing to compare with"));
  }
  return trial;
}

absl::StatusOr<std::string> RerunDir(const SavedTrial& trial, const std::string& out,
                                     const std::string& base) {
  if (!out.empty()) {
    std::error_code error;
    if (fs::equivalent(out, trial.dir, error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--out=", out, " is the trial's own folder (--rerun=", trial.dir,
          "): a rerun must train elsewhere"));
    }
    return out;
  }
  const std::string id = TrialId(trial.experiment);
  std::string dir = (fs::path(base) / id).string();
  for (int n = 2; fs::exists(dir); ++n) dir = (fs::path(base) / absl::StrCat(id, "-", n)).string();
  return dir;
}

std::vector<std::string> RerunNotes(const SavedTrial& trial, const Result& rerun) {
  std::vector<std::string> notes;
  if (rerun.trial_id() != trial.result.trial_id()) {
    notes.push_back(absl::StrCat("experiment.textproto is trial ", rerun.trial_id(),
                                 ", the saved result trial ", trial.result.trial_id(),
                                 ": the spec was changed after the trial ran"));
  }
  const Environment& a = trial.result.environment();
  const Environment& b = rerun.environment();
  if (a.threads() != b.threads()) {
    notes.push_back(absl::StrCat("the trial ran with ", a.threads(), " threads, the rerun with ",
                                 b.threads(), " (--threads): sums may round differently"));
  }
  if (a.device() != b.device()) {
    notes.push_back(absl::StrCat("the trial ran on '", a.device(), "', the rerun on '",
                                 b.device(), "'"));
  }
  if (a.libtorch_version() != b.libtorch_version()) {
    notes.push_back(absl::StrCat("the trial ran with LibTorch ", a.libtorch_version(),
                                 ", the rerun with ", b.libtorch_version()));
  }
  return notes;
}

bool ReportRerun(const SavedTrial& trial, const Result& rerun, double tolerance,
                 std::ostream& out) {
  const std::vector<MovedValue> moved = CompareResults(trial.result, rerun, tolerance);
  const std::string bound =
      tolerance > 0 ? absl::StrFormat(" (tolerance %g)", tolerance) : " (exactly)";
  if (moved.empty()) {
    out << "identical: the rerun reproduces " << trial::ResultFile(trial.dir).string() << bound
        << "\n";
    return true;
  }
  out << moved.size() << " value(s) moved" << bound << " against "
      << trial::ResultFile(trial.dir).string() << ":\n";
  for (const MovedValue& m : moved) out << "  " << DescribeMovedValue(m) << "\n";
  return false;
}

}  // namespace nerve_mtl::study
