#include "stats/holm.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl::stats {

absl::StatusOr<std::vector<double>> HolmAdjust(const std::vector<double>& p_values) {
  const size_t m = p_values.size();
  for (size_t i = 0; i < m; ++i) {
    if (!(p_values[i] >= 0 && p_values[i] <= 1)) {  // Also catches NaN.
      return absl::InvalidArgumentError(
          absl::StrCat("p-value ", i, " is ", p_values[i], ", not in [0, 1]"));
    }
  }
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  // Stable, so tied p-values keep their input order and the result does not depend on the sort.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m);
  double running_max = 0;
  for (size_t rank = 0; rank < m; ++rank) {
    const size_t i = order[rank];
    running_max = std::max(running_max, static_cast<double>(m - rank) * p_values[i]);
    adjusted[i] = std::min(1.0, running_max);
  }
  return adjusted;
}

}  // namespace nerve_mtl::stats
