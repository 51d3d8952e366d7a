#ifndef NERVE_MTL_DATA_PHANTOM_GEOMETRY_H_
#define NERVE_MTL_DATA_PHANTOM_GEOMETRY_H_

// The phantom's geometry (internal to //data:phantom): millimetres, depth z from the skin down,
// lateral l from the image centre.

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "data/random.h"

namespace nerve_mtl::data::phantom_internal {

struct Grid {
  int height;
  int width;
  double pitch;  // mm per pixel, both directions
  double depth_mm() const { return height * pitch; }
  double half_width_mm() const { return 0.5 * width * pitch; }
  double Z(int y) const { return (y + 0.5) * pitch; }
  double L(int x) const { return (x + 0.5) * pitch - half_width_mm(); }
  int RowAtOrAbove(double z) const {
    return std::clamp(static_cast<int>(std::floor(z / pitch - 0.5)), 0, height - 1);
  }
  int RowAtOrBelow(double z) const {
    return std::clamp(static_cast<int>(std::ceil(z / pitch - 0.5)), 0, height - 1);
  }
  int ColumnLeftOf(double l) const {
    return std::clamp(static_cast<int>(std::floor((l + half_width_mm()) / pitch - 0.5)), 0,
                      width - 1);
  }
  int ColumnRightOf(double l) const {
    return std::clamp(static_cast<int>(std::ceil((l + half_width_mm()) / pitch - 0.5)), 0,
                      width - 1);
  }
};

// Rotation by a small random angle, drawn as tan(angle / 2) to avoid sin/cos.
void RandomRotation(Rng& rng, double max_half_tan, double* cos_t, double* sin_t);

struct Ellipse {
  double z = 0;  // Centre.
  double l = 0;
  double a = 1;  // Lateral semi-axis before rotation.
  double b = 1;  // Axial semi-axis before rotation.
  double cos_t = 1;
  double sin_t = 0;

  // Half extents of the rotated ellipse's bounding box.
  double HalfWidth() const { return std::sqrt(a * a * cos_t * cos_t + b * b * sin_t * sin_t); }
  double HalfDepth() const { return std::sqrt(a * a * sin_t * sin_t + b * b * cos_t * cos_t); }
  // Into the ellipse's own frame: u along a, v along b.
  void Local(double z_mm, double l_mm, double* u, double* v) const {
    const double dz = z_mm - z;
    const double dl = l_mm - l;
    *u = cos_t * dl + sin_t * dz;
    *v = -sin_t * dl + cos_t * dz;
  }
};

// Whether the bounding boxes of `a` and `b`, grown by `margin`, intersect.
bool Overlaps(const Ellipse& a, const Ellipse& b, double margin);

// A smooth random curve over the image width: values at kCurvePoints evenly spaced lateral
// positions, joined by Catmull-Rom splines.
inline constexpr int kCurvePoints = 6;
using Curve = std::array<double, kCurvePoints>;

// The curve's value at every column of `grid`.
std::vector<float> EvaluateCurve(const Curve& c, const Grid& grid);

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_GEOMETRY_H_
