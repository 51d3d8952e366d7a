#include "stats/wilcoxon.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace nerve_mtl::stats {
namespace {

// Runs the test on differences d against zeros.
WilcoxonResult OnDifferences(const std::vector<double>& d) {
  const absl::StatusOr<WilcoxonResult> result =
      WilcoxonSignedRank(d, std::vector<double>(d.size(), 0.0));
  EXPECT_TRUE(result.ok()) << result.status();
  return result.value_or(WilcoxonResult{});
}

TEST(WilcoxonTest, ScipyDocumentationExample) {
  // scipy.stats.wilcoxon's example: the negative differences -48 and -67 have ranks 10 and 14.
  const WilcoxonResult r =
      OnDifferences({6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75});
  EXPECT_EQ(r.n, 15);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 24);
  // 2 * #{subsets of 1..15 with sum <= 24} / 2^15 = 2 * 676 / 32768.
  EXPECT_DOUBLE_EQ(r.p_value, 0.041259765625);
}

TEST(WilcoxonTest, RDocumentationPairedExample) {
  // R's ?wilcox.test depression example: V = 40, p-value = 0.03906.
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  const absl::StatusOr<WilcoxonResult> r = WilcoxonSignedRank(x, y);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->exact);
  EXPECT_DOUBLE_EQ(r->statistic, 45 - 40);
  // Subsets of 1..9 with sum <= 5: 1 + 1 + 1 + 2 + 2 + 3 = 10, so p = 2 * 10 / 512.
  EXPECT_DOUBLE_EQ(r->p_value, 0.0390625);
}

TEST(WilcoxonTest, SmallestExactCase) {
  const WilcoxonResult r = OnDifferences({1, 2, 3});
  EXPECT_DOUBLE_EQ(r.statistic, 0);
  EXPECT_DOUBLE_EQ(r.p_value, 0.25);  // 2 * (1 / 8).
}

TEST(WilcoxonTest, TiesUseNormalApproximation) {
  // Zero dropped; |d| = 1 1 2 2 3 3 4 5 6 gets ranks 1.5 1.5 3.5 3.5 5.5 5.5 7 8 9; the
  // negatives (-1, -3) sum to 7. mean 22.5; variance (9*10*19 - 3*6/2) / 24 = 70.875;
  // z = (7 - 22.5 + 0.5) / sqrt(70.875) = -1.781742; p = erfc(|z| / sqrt(2)).
  const WilcoxonResult r = OnDifferences({0, 1, -1, 2, 2, 3, -3, 4, 5, 6});
  EXPECT_EQ(r.n, 9);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 7);
  EXPECT_NEAR(r.p_value, 0.0747913775869442, 1e-12);
}

TEST(WilcoxonTest, LargeSampleUsesNormalApproximation) {
  // d = 1..30 with 3, 10, 17, 25 negative: W- = 55; mean 232.5; sd sqrt(30*31*61/24).
  std::vector<double> d;
  for (int i = 1; i <= 30; ++i) d.push_back(i == 3 || i == 10 || i == 17 || i == 25 ? -i : i);
  const WilcoxonResult r = OnDifferences(d);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.statistic, 55);
  EXPECT_NEAR(r.p_value, 0.00027200759312066754, 1e-15);
}

TEST(WilcoxonTest, SymmetricInItsArguments) {
  const std::vector<double> a = {0.9, 0.8, 0.75, 0.6, 0.95, 0.7};
  const std::vector<double> b = {0.85, 0.7, 0.8, 0.5, 0.9, 0.65};
  const absl::StatusOr<WilcoxonResult> ab = WilcoxonSignedRank(a, b);
  const absl::StatusOr<WilcoxonResult> ba = WilcoxonSignedRank(b, a);
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(ab->statistic, ba->statistic);
  EXPECT_EQ(ab->p_value, ba->p_value);
}

TEST(WilcoxonTest, AllZeroDifferences) {
  const WilcoxonResult r = OnDifferences({0, 0, 0});
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.p_value, 1.0);
}

TEST(WilcoxonTest, Errors) {
  EXPECT_EQ(WilcoxonSignedRank({1, 2}, {1}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WilcoxonSignedRank({1, std::nan("")}, {0, 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace nerve_mtl::stats
