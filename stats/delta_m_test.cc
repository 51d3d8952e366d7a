#include "stats/delta_m.h"

#include <cmath>

#include "gtest/gtest.h"

namespace nerve_mtl::stats {
namespace {

TEST(DeltaMTest, AveragesTheRelativeChangesInPercent) {
  // Dice 0.66 against 0.60: +10%; accuracy 0.72 against 0.80: -10%; mean 0%.
  auto zero = DeltaM({0.66, 0.60}, {0.72, 0.80});
  ASSERT_TRUE(zero.ok());
  EXPECT_NEAR(*zero, 0.0, 1e-12);
  // Dice 0.75 against 0.60: +25%; accuracy 0.88 against 0.80: +10%; mean +17.5%.
  auto gain = DeltaM({0.75, 0.60}, {0.88, 0.80});
  ASSERT_TRUE(gain.ok());
  EXPECT_NEAR(*gain, 17.5, 1e-12);
}

TEST(DeltaMTest, ALowerIsBetterMetricCountsAReductionAsAGain) {
  // HD95 10 px against 20 px: -50% change, a gain of 50%; accuracy unchanged: +25% overall.
  auto value = DeltaM({10, 20, /*higher_is_better=*/false}, {0.8, 0.8});
  ASSERT_TRUE(value.ok());
  EXPECT_NEAR(*value, 25.0, 1e-12);
}

TEST(DeltaMTest, RefusesAZeroBaselineOrNonFiniteValues) {
  EXPECT_FALSE(DeltaM({0.5, 0.0}, {0.8, 0.8}).ok());
  EXPECT_FALSE(DeltaM({0.5, 0.5}, {NAN, 0.8}).ok());
}

}  // namespace
}  // namespace nerve_mtl::stats
