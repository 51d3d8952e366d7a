#include "stats/wilcoxon.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl::stats {
namespace {

// Largest n for the exact distribution; 2^25 subsets still count exactly in a double.
constexpr int kMaxExactN = 25;

// P(W <= t) under the null hypothesis, for ranks 1..n without ties: the number of subsets of
// {1..n} whose sum is at most t, over 2^n.
double ExactCdf(int n, int t) {
  const int max_sum = n * (n + 1) / 2;
  std::vector<double> count(max_sum + 1, 0.0);
  count[0] = 1;
  for (int rank = 1; rank <= n; ++rank) {
    for (int sum = max_sum; sum >= rank; --sum) count[sum] += count[sum - rank];
  }
  double at_most = 0;
  for (int sum = 0; sum <= std::min(t, max_sum); ++sum) at_most += count[sum];
  return at_most / std::ldexp(1.0, n);
}

}  // namespace

absl::StatusOr<WilcoxonResult> WilcoxonSignedRank(const std::vector<double>& a,
                                                  const std::vector<double>& b) {
  if (a.size() != b.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Wilcoxon signed-rank test needs paired samples; got ", a.size(), " and ", b.size()));
  }
  std::vector<double> differences;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Wilcoxon signed-rank test: non-finite value in pair ", i, " (", a[i], ", ", b[i], ")"));
    }
    const double d = a[i] - b[i];
    if (d != 0) differences.push_back(d);
  }
  WilcoxonResult result;
  const int n = static_cast<int>(differences.size());
  result.n = n;
  if (n == 0) return result;

  // Average ranks of |d|; tie_term accumulates sum(t^3 - t) over groups of t tied values.
  std::sort(differences.begin(), differences.end(),
            [](double x, double y) { return std::fabs(x) < std::fabs(y); });
  double plus = 0;
  double tie_term = 0;
  for (int start = 0; start < n;) {
    int end = start + 1;
    while (end < n && std::fabs(differences[end]) == std::fabs(differences[start])) ++end;
    const double rank = (start + 1 + end) / 2.0;  // Mean of ranks start+1 .. end.
    for (int i = start; i < end; ++i) {
      if (differences[i] > 0) plus += rank;
    }
    const double t = end - start;
    tie_term += t * t * t - t;
    start = end;
  }
  const double total = n * (n + 1) / 2.0;
  result.statistic = std::min(plus, total - plus);

  if (n <= kMaxExactN && tie_term == 0) {
    // Without ties W is an integer and its null distribution is symmetric about total / 2.
    result.exact = true;
    result.p_value =
        std::min(1.0, 2.0 * ExactCdf(n, static_cast<int>(std::lround(result.statistic))));
    return result;
  }
  const double mean = total / 2.0;
  const double variance = (n * (n + 1.0) * (2.0 * n + 1.0) - tie_term / 2.0) / 24.0;
  const double deviation = result.statistic - mean;  // <= 0, as statistic is the smaller sum.
  const double corrected = deviation < 0 ? deviation + 0.5 : deviation;
  const double z = corrected / std::sqrt(variance);
  result.p_value = std::min(1.0, std::erfc(std::fabs(z) / std::sqrt(2.0)));
  return result;
}

}  // namespace nerve_mtl::stats
