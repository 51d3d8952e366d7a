#include "stats/bootstrap.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::stats {
namespace {

TEST(QuantileTest, InterpolatesAsNumpyDoes) {
  // numpy.quantile([1, 2, 3, 4], q): 0.25 -> 1.75, 0.975 -> 3.925, 0 -> 1, 1 -> 4.
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(Quantile(v, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(Quantile(v, 0.975), 3.925);
  EXPECT_DOUBLE_EQ(Quantile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(Quantile(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(Quantile({7.0}, 0.5), 7.0);
}

// Two patients: A with differences 1 and 1, B with 3. A resample of two patients is AA (mean 1)
// with probability 1/4, AB or BA (mean 5/3) with 1/2, BB (mean 3) with 1/4. So the 2.5% and
// 97.5% quantiles are 1 and 3, and every quantile between 0.25 and 0.75 is 5/3.
TEST(ClusterBootstrapTest, ResamplesPatientsNotImages) {
  const std::vector<double> d = {1, 3, 1};
  const std::vector<std::string> patient = {"A", "B", "A"};
  auto ci = ClusterBootstrapMean(d, patient, 10000, 7);
  ASSERT_TRUE(ci.ok()) << ci.status();
  EXPECT_DOUBLE_EQ(ci->mean, 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(ci->low, 1.0);
  EXPECT_DOUBLE_EQ(ci->high, 3.0);
  EXPECT_EQ(ci->clusters, 2);
  EXPECT_EQ(ci->resamples, 10000);
  auto middle = ClusterBootstrapMean(d, patient, 10000, 7, /*level=*/0.4);
  ASSERT_TRUE(middle.ok());
  EXPECT_DOUBLE_EQ(middle->low, 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(middle->high, 5.0 / 3.0);
}

TEST(ClusterBootstrapTest, OnePatientHasNoSpread) {
  auto ci = ClusterBootstrapMean({0.1, 0.3}, {"p1", "p1"}, 100, 1);
  ASSERT_TRUE(ci.ok());
  EXPECT_DOUBLE_EQ(ci->low, 0.2);
  EXPECT_DOUBLE_EQ(ci->high, 0.2);
}

TEST(ClusterBootstrapTest, TheSameSeedGivesTheSameIntervalWhateverTheImageOrder) {
  const std::vector<double> d = {0.1, -0.2, 0.4, 0.05, 0.3, -0.1};
  const std::vector<std::string> p = {"a", "b", "c", "a", "b", "c"};
  const std::vector<double> d_shuffled = {0.3, 0.1, -0.1, 0.05, 0.4, -0.2};
  const std::vector<std::string> p_shuffled = {"b", "a", "c", "a", "c", "b"};
  auto first = ClusterBootstrapMean(d, p, 1000, 42);
  auto second = ClusterBootstrapMean(d_shuffled, p_shuffled, 1000, 42);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->low, second->low);
  EXPECT_EQ(first->high, second->high);
  EXPECT_NEAR(first->mean, second->mean, 1e-15);
}

// With one image per patient the cluster bootstrap is the ordinary bootstrap of a mean, whose
// 95% interval is about mean +- 1.96 s / sqrt(n) (s the sample's standard deviation): for 200
// draws from N(0.5, 1) about +- 0.14.
TEST(ClusterBootstrapTest, WidthMatchesTheNormalTheoryForIndependentImages) {
  std::mt19937_64 engine(3);
  std::normal_distribution<double> normal(0.5, 1.0);
  std::vector<double> d;
  std::vector<std::string> p;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < 200; ++i) {
    d.push_back(normal(engine));
    p.push_back(std::to_string(i));
    sum += d.back();
    sum_sq += d.back() * d.back();
  }
  const double sd = std::sqrt((sum_sq - sum * sum / 200) / 199);
  auto ci = ClusterBootstrapMean(d, p, 10000, 11);
  ASSERT_TRUE(ci.ok());
  const double expected_width = 2 * 1.96 * sd / std::sqrt(200.0);
  EXPECT_NEAR(ci->high - ci->low, expected_width, 0.05 * expected_width);
  EXPECT_NEAR(ci->mean, sum / 200, 1e-12);
  EXPECT_LT(ci->low, ci->mean);
  EXPECT_GT(ci->high, ci->mean);
}

TEST(ClusterBootstrapTest, RefusesBadInput) {
  EXPECT_FALSE(ClusterBootstrapMean({1, 2}, {"a"}, 10, 0).ok());
  EXPECT_FALSE(ClusterBootstrapMean({}, {}, 10, 0).ok());
  EXPECT_FALSE(ClusterBootstrapMean({1}, {"a"}, 0, 0).ok());
  EXPECT_FALSE(ClusterBootstrapMean({NAN}, {"a"}, 10, 0).ok());
  EXPECT_FALSE(ClusterBootstrapMean({1}, {"a"}, 10, 0, 1.0).ok());
}

}  // namespace
}  // namespace nerve_mtl::stats
