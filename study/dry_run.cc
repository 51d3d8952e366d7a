#include "study/dry_run.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/progress.h"
#include "common/textproto.h"
#include "study/thresholds.h"
#include "trial/layout.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

// The best value any trivial baseline reaches on `metric`, or nullopt when the row lacks it.
std::optional<double> BestBaseline(const RowFacts& row, const std::string& metric) {
  std::optional<double> best;
  for (const Baseline& b : row.baselines) {
    absl::StatusOr<std::optional<double>> value = MeanMetricValue(b.results, metric);
    if (value.ok() && value->has_value()) best = std::max(best.value_or(**value), **value);
  }
  return best;
}

}  // namespace

std::string DescribePlan(const StudyPlan& plan, const std::vector<Trial>& trials,
                         const std::string& results_dir) {
  std::string out = "rows (budget in epochs; trivial baselines on the test images):\n";
  std::map<std::string, const RowFacts*> row_of;
  for (const RowFacts& row : plan.rows) {
    row_of[row.label] = &row;
    std::string baselines;
    for (const char* metric : {"test.dice", "test.accuracy"}) {
      if (std::optional<double> v = BestBaseline(row, metric)) {
        absl::StrAppendFormat(&baselines, "  %s %.4f", metric, *v);
      }
    }
    absl::StrAppendFormat(
        &out, "  %-28s %2d%s  %d training images %s\n", row.label, row.budget_epochs(),
        row.pretrain_epochs > 0
            ? absl::StrFormat(" (%d pretraining + %d joint)", row.pretrain_epochs, row.epochs)
            : "",
        row.train_images, baselines);
  }
  absl::StrAppend(&out, "trials:\n");
  int done = 0, failed = 0, todo = 0;
  double measured_seconds = 0, measured_image_epochs = 0, todo_image_epochs = 0, rough_seconds = 0;
  for (size_t k = 0; k < trials.size(); ++k) {
    const Trial& trial = trials[k];
    const RowFacts& row = *row_of.at(trial.label);
    const fs::path dir = trial::TrialDir(results_dir, trial.id);
    Result result;
    std::string state;
    if (fs::exists(trial::ResultFile(dir)) &&
        ReadTextProtoFile(trial::ResultFile(dir).string(), &result).ok()) {
      if (result.status() == Result::OK) {
        state = "done";
        ++done;
        measured_seconds += result.train_seconds();
        measured_image_epochs += static_cast<double>(result.epoch_size()) * row.train_images;
      } else {
        state = absl::StrCat("failed: ", result.failure());
        ++failed;
      }
    } else {
      state =
          fs::exists(trial::CheckpointFile(dir)) ? "to do (resumes from its checkpoint)" : "to do";
      ++todo;
      const double image_epochs = static_cast<double>(row.budget_epochs()) * row.train_images;
      todo_image_epochs += image_epochs;
      const double scale =
          row.height * row.width / (48.0 * 48.0) * (row.filters / 16.0) * (row.filters / 16.0);
      rough_seconds += image_epochs * kRoughSecondsPerImageEpoch * scale;
    }
    absl::StrAppendFormat(&out, "  [%d/%d] %s (seed %d, %s): %s\n", k + 1, trials.size(),
                          TrialName(trial), trial.seed, trial.id, state);
  }
  absl::StrAppendFormat(&out, "%d trials: %d done, %d failed, %d to do\n", trials.size(), done,
                        failed, todo);
  if (todo == 0) return out;
  if (measured_image_epochs > 0) {
    const double seconds = todo_image_epochs * measured_seconds / measured_image_epochs;
    absl::StrAppendFormat(&out,
                          "estimated time: %s (from the %d finished trials' %.2f ms per "
                          "training image per epoch)\n",
                          Progress::FormatDuration(seconds), done,
                          1e3 * measured_seconds / measured_image_epochs);
  } else {
    absl::StrAppendFormat(&out,
                          "estimated time: %s (rough: no finished trial to measure; assumes "
                          "%.0f ms per training image per epoch at 48x48 with 16 filters on 2 "
                          "cores, scaled by pixels and filters squared)\n",
                          Progress::FormatDuration(rough_seconds),
                          1e3 * kRoughSecondsPerImageEpoch);
  }
  return out;
}

}  // namespace nerve_mtl::study
