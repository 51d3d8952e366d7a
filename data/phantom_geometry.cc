#include "data/phantom_geometry.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nerve_mtl::data::phantom_internal {

void RandomRotation(Rng& rng, double max_half_tan, double* cos_t, double* sin_t) {
  const double t = rng.Uniform(-max_half_tan, max_half_tan);
  *cos_t = (1.0 - t * t) / (1.0 + t * t);
  *sin_t = 2.0 * t / (1.0 + t * t);
}

bool Overlaps(const Ellipse& a, const Ellipse& b, double margin) {
  return std::fabs(a.l - b.l) < a.HalfWidth() + b.HalfWidth() + margin &&
         std::fabs(a.z - b.z) < a.HalfDepth() + b.HalfDepth() + margin;
}

std::vector<float> EvaluateCurve(const Curve& c, const Grid& grid) {
  std::vector<float> out(grid.width);
  const double step = 2.0 * grid.half_width_mm() / (kCurvePoints - 1);
  for (int x = 0; x < grid.width; ++x) {
    const double s =
        std::clamp((grid.L(x) + grid.half_width_mm()) / step, 0.0, kCurvePoints - 1.000001);
    const int k = static_cast<int>(s);
    const double t = s - k;
    const double p0 = c[std::max(k - 1, 0)];
    const double p1 = c[k];
    const double p2 = c[std::min(k + 1, kCurvePoints - 1)];
    const double p3 = c[std::min(k + 2, kCurvePoints - 1)];
    out[x] =
        static_cast<float>(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t +
                                  (3 * p1 - p0 - 3 * p2 + p3) * t * t * t));
  }
  return out;
}

}  // namespace nerve_mtl::data::phantom_internal
