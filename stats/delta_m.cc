#include "stats/delta_m.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl::stats {
namespace {

absl::StatusOr<double> RelativeChange(const TaskMetric& metric, const char* task) {
  if (!std::isfinite(metric.value) || !std::isfinite(metric.baseline)) {
    return absl::InvalidArgumentError(absl::StrCat("delta_m: ", task, " metric is not finite"));
  }
  if (metric.baseline == 0) {
    return absl::InvalidArgumentError(absl::StrCat("delta_m: ", task, " baseline is 0"));
  }
  const double change = (metric.value - metric.baseline) / metric.baseline;
  return metric.higher_is_better ? change : -change;
}

}  // namespace

absl::StatusOr<double> DeltaM(const TaskMetric& segmentation, const TaskMetric& classification) {
  absl::StatusOr<double> seg = RelativeChange(segmentation, "segmentation");
  if (!seg.ok()) return seg.status();
  absl::StatusOr<double> cls = RelativeChange(classification, "classification");
  if (!cls.ok()) return cls.status();
  return 0.5 * (*seg + *cls) * 100.0;
}

}  // namespace nerve_mtl::stats
