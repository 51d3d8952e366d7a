#include "stats/holm.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::stats {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;

TEST(HolmTest, MatchesTheStepDownByHand) {
  // Sorted: 0.005 (x4), 0.01 (x3), 0.03 (x2), 0.04 (x1) -> 0.02, 0.03, 0.06, max(0.06, 0.04).
  auto adjusted = HolmAdjust({0.01, 0.04, 0.03, 0.005});
  ASSERT_TRUE(adjusted.ok()) << adjusted.status();
  EXPECT_THAT(*adjusted, ElementsAre(DoubleEq(0.03), DoubleEq(0.06), DoubleEq(0.06),
                                     DoubleEq(0.02)));
}

TEST(HolmTest, CapsAtOneAndKeepsASingleValue) {
  auto adjusted = HolmAdjust({0.6, 0.2, 0.9});
  ASSERT_TRUE(adjusted.ok());
  // 0.2 x3 = 0.6; 0.6 x2 = 1.2 -> 1; 0.9 x1 = 0.9 but the running max is 1.2 -> 1.
  EXPECT_THAT(*adjusted, ElementsAre(DoubleEq(1.0), DoubleEq(0.6), DoubleEq(1.0)));
  auto single = HolmAdjust({0.04});
  ASSERT_TRUE(single.ok());
  EXPECT_THAT(*single, ElementsAre(DoubleEq(0.04)));
  auto none = HolmAdjust({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(HolmTest, TiesGetTheSameAdjustedValue) {
  // R: p.adjust(c(0.01, 0.01, 0.5), "holm") = 0.03 0.03 0.5.
  auto adjusted = HolmAdjust({0.01, 0.01, 0.5});
  ASSERT_TRUE(adjusted.ok());
  EXPECT_THAT(*adjusted, ElementsAre(DoubleEq(0.03), DoubleEq(0.03), DoubleEq(0.5)));
}

TEST(HolmTest, RefusesValuesThatAreNotProbabilities) {
  EXPECT_FALSE(HolmAdjust({0.1, 1.5}).ok());
  EXPECT_FALSE(HolmAdjust({-0.1}).ok());
  EXPECT_FALSE(HolmAdjust({std::numeric_limits<double>::quiet_NaN()}).ok());
}

}  // namespace
}  // namespace nerve_mtl::stats
