#ifndef NERVE_MTL_STATS_HOLM_H_
#define NERVE_MTL_STATS_HOLM_H_

// Holm's step-down correction for multiple comparisons (Holm 1979, "A simple sequentially
// rejective multiple test procedure", Scand. J. Statist. 6:65-70): it controls the family-wise
// error rate like Bonferroni but rejects at least as much. For m p-values sorted ascending,
// p_(1) <= ... <= p_(m), the adjusted values are
//   q_(i) = min(1, max_{j <= i} (m - j + 1) * p_(j)),
// and the hypothesis i is rejected at level alpha when q_i <= alpha. The same values as
// statsmodels' multipletests(method="holm") and R's p.adjust(method="holm").

#include <vector>

#include "absl/status/statusor.h"

namespace nerve_mtl::stats {

// Adjusted p-values in the order of `p_values`. Errors: a value outside [0, 1] or NaN.
absl::StatusOr<std::vector<double>> HolmAdjust(const std::vector<double>& p_values);

}  // namespace nerve_mtl::stats

#endif  // NERVE_MTL_STATS_HOLM_H_
