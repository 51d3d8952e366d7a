#include "stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl::stats {
namespace {

// A uniform index in [0, n) from the engine's raw 64-bit output. std::uniform_int_distribution
// would do, but its algorithm is left to each standard library; this one is fixed here.
uint64_t UniformIndex(std::mt19937_64& engine, uint64_t n) {
  const uint64_t limit = std::mt19937_64::max() - (std::mt19937_64::max() % n + 1) % n;
  uint64_t draw = engine();
  while (draw > limit) draw = engine();
  return draw % n;
}

}  // namespace

double Quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

absl::StatusOr<BootstrapInterval> ClusterBootstrapMean(const std::vector<double>& differences,
                                                       const std::vector<std::string>& clusters,
                                                       int resamples, uint64_t seed,
                                                       double level) {
  if (differences.size() != clusters.size()) {
    return absl::InvalidArgumentError(absl::StrCat("bootstrap: ", differences.size(),
                                                   " differences but ", clusters.size(),
                                                   " cluster labels"));
  }
  if (differences.empty()) return absl::InvalidArgumentError("bootstrap: no differences");
  if (resamples < 1) return absl::InvalidArgumentError("bootstrap: resamples must be >= 1");
  if (!(level > 0 && level < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("bootstrap: level ", level, " not in (0, 1)"));
  }
  // Per cluster, in the sorted order of the labels (so the result does not depend on the
  // order of the images): the sum of its differences and its number of images.
  std::map<std::string, std::pair<double, int>> by_cluster;
  double total = 0;
  for (size_t i = 0; i < differences.size(); ++i) {
    if (!std::isfinite(differences[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("bootstrap: difference ", i, " is ", differences[i]));
    }
    by_cluster[clusters[i]].first += differences[i];
    by_cluster[clusters[i]].second += 1;
    total += differences[i];
  }
  std::vector<std::pair<double, int>> sums;
  for (const auto& [label, sum_and_count] : by_cluster) sums.push_back(sum_and_count);

  std::mt19937_64 engine(seed);
  std::vector<double> means(resamples);
  for (int r = 0; r < resamples; ++r) {
    double sum = 0;
    int count = 0;
    for (size_t k = 0; k < sums.size(); ++k) {
      const auto& [cluster_sum, cluster_count] = sums[UniformIndex(engine, sums.size())];
      sum += cluster_sum;
      count += cluster_count;
    }
    means[r] = sum / count;
  }
  std::sort(means.begin(), means.end());
  BootstrapInterval interval;
  interval.mean = total / static_cast<double>(differences.size());
  interval.low = Quantile(means, (1 - level) / 2);
  interval.high = Quantile(means, (1 + level) / 2);
  interval.clusters = static_cast<int>(sums.size());
  interval.resamples = resamples;
  return interval;
}

}  // namespace nerve_mtl::stats
