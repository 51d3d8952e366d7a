#include "study/thresholds.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace nerve_mtl::study {
namespace {

enum class Lookup { kValue, kNotApplicable, kUnknown };

// The metric's value in a result; kNotApplicable when the model lacks the metric's task.
Lookup Find(const Result& result, const std::string& metric, double* value) {
  const size_t dot = metric.find('.');
  if (dot == std::string::npos) return Lookup::kUnknown;
  const std::string split = metric.substr(0, dot), name = metric.substr(dot + 1);
  if (split != "test" && split != "val") return Lookup::kUnknown;
  const SplitMetrics& m = split == "test" ? result.test() : result.val();
  static const std::map<std::string, double (SplitMetrics::*)() const> kMetrics = {
      {"dice", &SplitMetrics::dice},         {"iou", &SplitMetrics::iou},
      {"accuracy", &SplitMetrics::accuracy}, {"macro_f1", &SplitMetrics::macro_f1},
      {"dice_correct", &SplitMetrics::dice_correct}};
  auto it = kMetrics.find(name);
  if (it == kMetrics.end()) return Lookup::kUnknown;
  // From the recorded components, so that failed trials (no metrics) are judged by what they
  // should do.
  const Components& tasks = result.components();
  const bool segmentation = name == "dice" || name == "iou" || name == "dice_correct";
  const bool classification = name == "accuracy" || name == "macro_f1" || name == "dice_correct";
  if ((segmentation && !tasks.segments()) || (classification && !tasks.classifies())) {
    return Lookup::kNotApplicable;
  }
  *value = (m.*(it->second))();
  return Lookup::kValue;
}

constexpr char kKnownMetrics[] = "test.|val. + dice, iou, accuracy, macro_f1, dice_correct";

}  // namespace

absl::StatusOr<std::optional<double>> MetricValue(const Result& result, const std::string& metric) {
  double value = 0.0;
  switch (Find(result, metric, &value)) {
    case Lookup::kUnknown:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown metric '", metric, "' (", kKnownMetrics, ")"));
    case Lookup::kNotApplicable:
      return std::nullopt;
    default:
      return value;
  }
}

absl::StatusOr<std::optional<double>> MeanMetricValue(const std::vector<Result>& results,
                                                      const std::string& metric) {
  double sum = 0.0;
  for (const Result& r : results) {
    absl::StatusOr<std::optional<double>> value = MetricValue(r, metric);
    if (!value.ok() || !value->has_value()) return value;
    sum += **value;
  }
  if (results.empty()) return std::nullopt;
  return sum / static_cast<double>(results.size());
}

absl::Status ValidateThresholds(const Study& study, const std::vector<RowBaselines>& rows) {
  std::vector<std::string> labels;
  for (const RowBaselines& row : rows) labels.push_back(row.label);
  for (int t = 0; t < study.threshold_size(); ++t) {
    const Threshold& threshold = study.threshold(t);
    const std::string name =
        absl::StrFormat("study.threshold[%d] (trial '%s', %s >= %g)", t, threshold.trial(),
                        threshold.metric(), threshold.min());
    if (threshold.trial() != "*" &&
        std::find(labels.begin(), labels.end(), threshold.trial()) == labels.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": no row has this label (rows: ", absl::StrJoin(labels, "; "), ")"));
    }
    Study only = study;  // This threshold alone, so a violation is its own.
    only.clear_threshold();
    *only.add_threshold() = threshold;
    int covered = 0;
    for (const RowBaselines& row : rows) {
      if (threshold.trial() != "*" && threshold.trial() != row.label) continue;
      for (const Baseline& baseline : row.baselines) {
        absl::StatusOr<std::optional<double>> value =
            MeanMetricValue(baseline.results, threshold.metric());
        if (!value.ok())
          return absl::InvalidArgumentError(absl::StrCat(name, ": ", value.status().message()));
        if (!value->has_value()) {
          if (threshold.trial() == "*") break;  // "*" covers the rows that have the metric.
          return absl::InvalidArgumentError(absl::StrCat(name, ": the model of trial '", row.label,
                                                         "' has no ", threshold.metric()));
        }
        ++covered;
        absl::StatusOr<std::vector<std::string>> violations =
            CheckThresholds(only, baseline.results);
        if (!violations.ok())
          return absl::InvalidArgumentError(
              absl::StrCat(name, ": ", violations.status().message()));
        if (violations->empty()) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s cannot catch a broken model: one that %s reaches %s = %.4f on trial '%s'; "
              "the bound must be above every trivial baseline",
              name, baseline.description, threshold.metric(), **value, row.label));
        }
      }
    }
    if (covered == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": no row of the study has this metric (rows: ", absl::StrJoin(labels, "; "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> CheckThresholds(const Study& study,
                                                         const std::vector<Result>& results) {
  std::vector<std::string> violations;
  for (int t = 0; t < study.threshold_size(); ++t) {
    const Threshold& threshold = study.threshold(t);
    // Label -> (sum, successful seeds, all seeds), in label order.
    std::map<std::string, std::tuple<double, int, int>> rows;
    for (const Result& r : results) {
      const std::string& label = r.experiment().name();
      if (threshold.trial() != "*" && label != threshold.trial()) continue;
      double value = 0.0;
      const Lookup found = Find(r, threshold.metric(), &value);
      if (found == Lookup::kUnknown) {
        return absl::InvalidArgumentError(absl::StrCat(
            "study.threshold[", t, "]: unknown metric '", threshold.metric(),
            "' (", kKnownMetrics, ")"));
      }
      // "*" covers the rows that have the metric; a named row must have it.
      if (found == Lookup::kNotApplicable && threshold.trial() == "*") continue;
      auto& [sum, ok, all] = rows[label];
      ++all;
      if (r.status() == Result::OK && found == Lookup::kValue) {
        sum += value;
        ++ok;
      }
    }
    if (rows.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("study.threshold[", t, "]: no results for trial '",
                                                     threshold.trial(), "'"));
    }
    for (const auto& [label, row] : rows) {
      const auto& [sum, ok, all] = row;
      if (ok == 0) {
        violations.push_back(absl::StrFormat("%s: %s has no successful result (%d failed)", label,
                                             threshold.metric(), all));
        continue;
      }
      const double mean = sum / ok;
      if (!(mean >= threshold.min())) {
        violations.push_back(absl::StrFormat("%s: %s = %.4f is below its bound %.4f (mean of %d "
                                             "trials)",
                                             label, threshold.metric(), mean, threshold.min(), ok));
      }
    }
  }
  return violations;
}

}  // namespace nerve_mtl::study
