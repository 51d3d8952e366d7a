#ifndef NERVE_MTL_STATS_BOOTSTRAP_H_
#define NERVE_MTL_STATS_BOOTSTRAP_H_

// Percentile bootstrap confidence interval of a mean paired difference, resampling clusters
// (patients) rather than images (Efron & Tibshirani 1993, "An Introduction to the Bootstrap",
// ch. 13; the cluster bootstrap: Davison & Hinkley 1997, section 3.8). Images of one patient are
// not independent, so resampling images would give intervals that are too narrow.
//
// One resample draws as many clusters as there are, uniformly with replacement, and takes the
// mean of the differences of every image in the drawn clusters (a cluster drawn twice counts
// twice). The interval is the (1 - level)/2 and (1 + level)/2 quantiles of the resampled means
// (linear interpolation between order statistics, numpy's default "linear" method).
//
// The random stream is std::mt19937_64 (its output is fixed by the C++ standard) mapped to an
// index by rejection sampling, so an interval is the same on every platform and compiler: the
// tables that print it stay byte-identical.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nerve_mtl::stats {

struct BootstrapInterval {
  double mean = 0;  // The mean difference over all images (no resampling).
  double low = 0;
  double high = 0;
  int clusters = 0;
  int resamples = 0;
};

// `differences[i]` belongs to cluster `clusters[i]`. Errors: sizes differ, no values, a
// non-finite difference, resamples < 1, level outside (0, 1).
absl::StatusOr<BootstrapInterval> ClusterBootstrapMean(const std::vector<double>& differences,
                                                       const std::vector<std::string>& clusters,
                                                       int resamples, uint64_t seed,
                                                       double level = 0.95);

// The q-quantile (q in [0, 1]) of ascending `sorted` values by linear interpolation:
// position q * (n - 1), as numpy.quantile(method="linear"). `sorted` must not be empty.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace nerve_mtl::stats

#endif  // NERVE_MTL_STATS_BOOTSTRAP_H_
