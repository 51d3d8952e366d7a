#ifndef NERVE_MTL_STATS_DELTA_M_H_
#define NERVE_MTL_STATS_DELTA_M_H_

// The multitask literature's one-number summary of a model against its single-task baselines
// (Maninis, Radosavovic & Kokkinos 2019, "Attentive single-tasking of multiple tasks", CVPR,
// eq. 6; used by LibMTL, nash-mtl and later work):
//   delta_m = (1/T) * sum_i (-1)^{l_i} (M_i - M_b,i) / M_b,i * 100%,
// with l_i = 1 when lower is better for metric i. Here T = 2 and both metrics are higher-is-
// better: delta_m = 1/2 * [(Dice - Dice_QuickNAT) / Dice_QuickNAT
//                        + (Accuracy - Accuracy_ResNet18) / Accuracy_ResNet18] * 100%.

#include "absl/status/statusor.h"

namespace nerve_mtl::stats {

struct TaskMetric {
  double value = 0;     // The multitask model's metric.
  double baseline = 0;  // The single-task baseline's metric.
  bool higher_is_better = true;
};

// Errors: a baseline of 0 (the relative change is undefined) or a non-finite value.
absl::StatusOr<double> DeltaM(const TaskMetric& segmentation, const TaskMetric& classification);

}  // namespace nerve_mtl::stats

#endif  // NERVE_MTL_STATS_DELTA_M_H_
