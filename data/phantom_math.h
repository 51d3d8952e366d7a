#ifndef NERVE_MTL_DATA_PHANTOM_MATH_H_
#define NERVE_MTL_DATA_PHANTOM_MATH_H_

// The phantom's deterministic math (internal to //data:phantom). libm's exp/log may differ in
// the last bit between libraries; these use only IEEE-exact operations (+, *, /, sqrt, floor,
// frexp, ldexp), so results are the same everywhere (docs/DESIGN.md §5). Their accuracy (~1e-8
// relative) is far below one gray level.

#include <array>
#include <cmath>
#include <cstddef>

namespace nerve_mtl::data::phantom_internal {

inline constexpr double kLog2E = 1.4426950408889634;
inline constexpr double kLog2Of10 = 3.321928094887362;
inline constexpr double kPi = 3.141592653589793;

// 2^x and log2(x), x > 0.
double Exp2(double x);
double Log2(double x);

// 10^(db / 20).
double DbToAmplitude(double db);

// exp(-t^2 / 2) sampled every 1/kProfileSteps for t in [0, kProfileSigmas]: line and blob
// profiles without a transcendental per pixel.
inline constexpr int kProfileSteps = 32;
inline constexpr int kProfileSigmas = 3;

using ProfileTable = std::array<float, kProfileSteps * kProfileSigmas + 1>;

// Inline, as is Gauss: every pixel of a line or blob reads it.
inline const ProfileTable& GaussianProfile() {
  static const ProfileTable* const table = [] {
    auto* t = new ProfileTable();
    for (size_t i = 0; i < t->size(); ++i) {
      const double x = static_cast<double>(i) / kProfileSteps;
      (*t)[i] = static_cast<float>(Exp2(-0.5 * x * x * kLog2E));
    }
    return t;
  }();
  return *table;
}

// exp(-t^2 / 2), 0 beyond kProfileSigmas.
inline float Gauss(double t) {
  const double a = std::fabs(t) * kProfileSteps;
  if (a >= kProfileSteps * kProfileSigmas) return 0.0f;
  return GaussianProfile()[static_cast<size_t>(a + 0.5)];
}

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_MATH_H_
