#include "data/phantom_math.h"

#include <cmath>

namespace nerve_mtl::data::phantom_internal {
namespace {

constexpr double kLn2 = 0.6931471805599453;

}  // namespace

double Exp2(double x) {
  if (x < -1000.0) return 0.0;
  if (x > 1000.0) x = 1000.0;
  const double n = std::floor(x);
  const double t = (x - n - 0.5) * kLn2;  // |t| <= ln(2) / 2
  // Taylor series of e^t to degree 7, in Horner form.
  double p = 1.0 / 5040;
  p = 1.0 / 720 + t * p;
  p = 1.0 / 120 + t * p;
  p = 1.0 / 24 + t * p;
  p = 1.0 / 6 + t * p;
  p = 0.5 + t * p;
  p = 1.0 + t * p;
  p = 1.0 + t * p;
  return std::ldexp(p * 1.4142135623730951, static_cast<int>(n));
}

double Log2(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // [0.5, 1)
  if (m < 0.7071067811865476) {
    m *= 2.0;
    --e;
  }
  const double s = (m - 1.0) / (m + 1.0);  // |s| < 0.172
  const double s2 = s * s;
  const double ln_m =
      2.0 * s * (1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9)))));
  return e + ln_m * kLog2E;
}

double DbToAmplitude(double db) { return Exp2(db * (kLog2Of10 / 20.0)); }

}  // namespace nerve_mtl::data::phantom_internal
