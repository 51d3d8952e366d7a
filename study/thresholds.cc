#include "study/thresholds.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace nerve_mtl::study {
namespace {

// The metric's value in a result, or false when the name is unknown.
bool Lookup(const Result& result, const std::string& metric, double* value) {
  const size_t dot = metric.find('.');
  if (dot == std::string::npos) return false;
  const std::string split = metric.substr(0, dot), name = metric.substr(dot + 1);
  if (split != "test" && split != "val") return false;
  const SplitMetrics& m = split == "test" ? result.test() : result.val();
  static const std::map<std::string, double (SplitMetrics::*)() const> kMetrics = {
      {"dice", &SplitMetrics::dice},         {"iou", &SplitMetrics::iou},
      {"accuracy", &SplitMetrics::accuracy}, {"macro_f1", &SplitMetrics::macro_f1},
      {"dice_correct", &SplitMetrics::dice_correct}};
  auto it = kMetrics.find(name);
  if (it == kMetrics.end()) return false;
  *value = (m.*(it->second))();
  return true;
}

}  // namespace

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
      auto& [sum, ok, all] = rows[label];
      ++all;
      double value = 0.0;
      if (!Lookup(r, threshold.metric(), &value)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "study.threshold[", t, "]: unknown metric '", threshold.metric(),
            "' (test.|val. + dice, iou, accuracy, macro_f1, dice_correct)"));
      }
      if (r.status() == Result::OK) {
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
                                             "seeds)",
                                             label, threshold.metric(), mean, threshold.min(), ok));
      }
    }
  }
  return violations;
}

}  // namespace nerve_mtl::study
