#ifndef NERVE_MTL_STUDY_THRESHOLDS_H_
#define NERVE_MTL_STUDY_THRESHOLDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "study/baselines.h"
#include "trial/result.pb.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

// Checks the study's thresholds against results: the mean over a row's successful trials (seeds
// and folds) of each metric must reach its bound. Returns one line per violation, e.g.
// "QuickNAT: test.dice = 0.4120 is below its bound 0.5000 (mean of 3 trials)"; a row with no
// successful result violates every threshold on it. An unknown metric, or a trial label with no
// results at all, is an error naming the threshold.
absl::StatusOr<std::vector<std::string>> CheckThresholds(const Study& study,
                                                         const std::vector<Result>& results);

// The value of a threshold metric ("test.dice", ...) in a result; nullopt when the result's model
// lacks the metric's task. An unknown metric is an error.
absl::StatusOr<std::optional<double>> MetricValue(const Result& result, const std::string& metric);

// MetricValue's mean over results (a row's replicates), as CheckThresholds compares it.
absl::StatusOr<std::optional<double>> MeanMetricValue(const std::vector<Result>& results,
                                                      const std::string& metric);

// The trivial baselines of one row of a study (baselines.h), for ValidateThresholds.
struct RowBaselines {
  std::string label;
  std::vector<Baseline> baselines;
};

// Refuses, before anything trains, a threshold that names no row, has an unknown metric, names
// a row whose model lacks the metric, covers no row ("*" on a metric no model has), or that a
// trivial baseline of a row it covers already passes under CheckThresholds: such a bound cannot
// catch a broken model. The error names the threshold, the row and the baseline's value.
absl::Status ValidateThresholds(const Study& study, const std::vector<RowBaselines>& rows);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_THRESHOLDS_H_
