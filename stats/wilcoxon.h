#ifndef NERVE_MTL_STATS_WILCOXON_H_
#define NERVE_MTL_STATS_WILCOXON_H_

// Wilcoxon signed-rank test for paired samples, e.g. the per-image Dice of two models on the
// same test images.

#include <vector>

#include "absl/status/statusor.h"

namespace nerve_mtl::stats {

struct WilcoxonResult {
  // min(W+, W-), the sums of the ranks of |a - b| over positive and negative differences (as
  // scipy.stats.wilcoxon reports for the two-sided test).
  double statistic = 0;
  double p_value = 1;  // Two-sided.
  int n = 0;           // Pairs with a nonzero difference; the others are dropped.
  bool exact = false;  // Exact null distribution rather than the normal approximation.
};

// Zero differences are dropped (scipy's default zero_method "wilcox"). With n <= 25 and no tied
// |differences| the p-value comes from the exact distribution of W; otherwise from the normal
// approximation with the tie correction of the variance and a continuity correction of 0.5.
// When every difference is zero there is no evidence either way: n = 0, statistic 0, p = 1.
// Errors: a and b of different sizes, or a non-finite value.
absl::StatusOr<WilcoxonResult> WilcoxonSignedRank(const std::vector<double>& a,
                                                  const std::vector<double>& b);

}  // namespace nerve_mtl::stats

#endif  // NERVE_MTL_STATS_WILCOXON_H_
