#include "models/prelu_kernel.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "gtest/gtest.h"

namespace nerve_mtl::models {
namespace {

bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

// Hand-computed from the definition, a = 0.25: x > 0 passes g; x ≤ 0 (also ±0) scales it by a
// and contributes x·g to ∂L/∂a; a positive x contributes +0.
TEST(PreluKernelTest, EachElementByHand) {
  const float x[] = {2.0f, -4.0f, 0.0f, -0.0f, 1e-30f, -3.0f};
  const float g[] = {0.5f, 0.5f, 8.0f, -2.0f, -1.0f, -0.0f};
  const float want_dx[] = {0.5f, 0.125f, 2.0f, -0.5f, -1.0f, -0.0f};
  const float want_terms[] = {0.0f, -2.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  float dx[6], terms[6];
  SharedSlopePreluBackwardRange(x, g, 0.25f, dx, terms, 0, 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(SameBits(dx[i], want_dx[i])) << i << ": " << dx[i];
    EXPECT_EQ(terms[i], want_terms[i]) << i;
  }
  // Signs of the zero terms as x·g gives them: 0·8 = +0, (−0)·(−2) = +0, (−3)·(−0) = +0.
  EXPECT_FALSE(std::signbit(terms[2]));
  EXPECT_FALSE(std::signbit(terms[3]));
  EXPECT_FALSE(std::signbit(terms[5]));
}

TEST(PreluKernelTest, WritesOnlyItsRange) {
  const float x[] = {-1.0f, -1.0f, -1.0f, -1.0f};
  const float g[] = {1.0f, 1.0f, 1.0f, 1.0f};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  float dx[] = {nan, nan, nan, nan}, terms[] = {nan, nan, nan, nan};
  SharedSlopePreluBackwardRange(x, g, 0.5f, dx, terms, 1, 3);
  EXPECT_TRUE(std::isnan(dx[0]) && std::isnan(dx[3]) && std::isnan(terms[0]));
  EXPECT_EQ(dx[1], 0.5f);
  EXPECT_EQ(terms[2], -1.0f);
}

}  // namespace
}  // namespace nerve_mtl::models
