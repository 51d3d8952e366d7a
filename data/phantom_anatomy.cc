#include "data/phantom_anatomy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "data/phantom_math.h"
#include "data/random.h"

namespace nerve_mtl::data::phantom_internal {
namespace {

struct Range {
  double lo;
  double hi;
  double Draw(Rng& rng) const { return rng.Uniform(lo, hi); }
};

// How the three nerves differ (after cross-sectional sonoanatomy of the arm): size, shape,
// fascicle count, depth, and what lies next to them.
// Bone deep in the image under a nerve that does not lie on it. Below the radial nerve's 0.9:
// bone under the nerve is a class cue, as the humerus is in the spiral groove, and bone anywhere
// else must not drown it (docs/DESIGN.md, "The phantom's signal").
constexpr double kDeepBoneProbability = 0.3;

struct NerveClass {
  Range half_width_mm;
  Range aspect;  // Width over height.
  int min_fascicles;
  int max_fascicles;
  Range depth_mm;
  Range lateral_mm;  // Mirrored for the other arm.
  double artery_probability;
  Range artery_radius_mm;
  Range artery_gap_mm;  // Between the nerve's and the artery's edges.
  double near_bone_probability;
  Range bone_gap_mm;  // From the nerve's bottom down to the bone line.
};

constexpr NerveClass kNerveClasses[kNerveClassCount] = {
    // Median: large, oval, many fascicles; in the arm the brachial artery runs beside it.
    {{3.6, 4.6},
     {1.8, 2.4},
     14,
     22,
     {8.0, 14.0},
     {-4.0, 4.0},
     0.8,
     {1.9, 2.7},
     {2.0, 5.0},
     0.1,
     {3.0, 6.0}},
    // Radial: small, round, few fascicles; deep, on the humerus.
    {{1.5, 2.0},
     {1.0, 1.25},
     2,
     5,
     {10.0, 18.0},
     {-8.0, 8.0},
     0.1,
     {0.8, 1.2},
     {1.0, 3.0},
     0.9,
     {1.5, 4.5}},
    // Ulnar: medium, intermediate count; the ulnar artery right beside it.
    {{2.4, 3.0},
     {1.3, 1.7},
     7,
     11,
     {6.0, 12.0},
     {1.0, 8.0},
     0.9,
     {1.2, 1.8},
     {0.5, 2.0},
     0.1,
     {3.0, 6.0}},
};

// The nerve's outline radius is within 1 +- 0.14, so 1.15 x the ellipse's box holds all of it.
double NerveHalfWidth(const Nerve& nerve) { return 1.15 * nerve.shape.HalfWidth(); }
double NerveHalfDepth(const Nerve& nerve) { return 1.15 * nerve.shape.HalfDepth(); }

// Each Draw* below takes its values from `rng` in turn; MakeAnatomy calls them in a fixed order,
// since a reordering would change every image (data/phantom_test.cc's golden checksum).

void DrawTexture(Rng& rng, const Grid& grid, Anatomy* an) {
  an->texture_columns = static_cast<int>(2.0 * grid.half_width_mm() / kTextureLateralMm) + 2;
  const int texture_rows = static_cast<int>(grid.depth_mm() / kTextureAxialMm) + 2;
  an->texture.resize(static_cast<size_t>(texture_rows) * an->texture_columns);
  for (float& t : an->texture) t = static_cast<float>(DbToAmplitude(rng.Uniform(-4.0, 4.0)));
}

// Fasciae at the patient's depths, shifted by probe pressure and position. Returns the depth of
// the superficial fascia, the bottom of the subcutaneous fat.
double DrawFasciae(Rng& rng, const Patient& patient, const Grid& grid, Anatomy* an) {
  const double half_w = grid.half_width_mm();
  const double squeeze = rng.Uniform(0.92, 1.05);
  const double common_tilt = rng.Uniform(-0.03, 0.03);
  for (size_t i = 0; i < patient.fascia_mm.size(); ++i) {
    const double base = patient.fascia_mm[i] * squeeze + rng.Uniform(-0.6, 0.6);
    const double tilt = common_tilt + rng.Uniform(-0.015, 0.015);
    const double wiggle = i == 0 ? 0.25 : 0.5;
    Curve d;
    Curve b;
    for (int k = 0; k < kCurvePoints; ++k) {
      const double l = -half_w + 2.0 * half_w * k / (kCurvePoints - 1);
      d[k] = base + tilt * l + rng.Uniform(-wiggle, wiggle);
      b[k] = rng.Uniform(0.35, 1.2);
    }
    an->fascia_depth.push_back(d);
    an->fascia_brightness.push_back(b);
    an->fascia_sigma_mm.push_back(rng.Uniform(0.15, 0.3));
  }
  return patient.fascia_mm.front() * squeeze;
}

// Fascicles: dark discs on a jittered hexagonal lattice clipped to the inside, spaced so that
// about `count` fit; the bright epineurium between them makes the honeycomb.
void DrawFascicles(Rng& rng, int count, Nerve* nerve) {
  const double inner_a = std::max(0.2, nerve->shape.a * 0.92 - nerve->sheath_mm);
  const double inner_b = std::max(0.2, nerve->shape.b * 0.92 - nerve->sheath_mm);
  const double spacing = std::sqrt(2.0 * kPi * inner_a * inner_b / (std::sqrt(3.0) * count));
  const double row_step = spacing * 0.8660254037844386;
  const double origin_u = rng.Uniform(0.0, spacing);
  const double origin_v = rng.Uniform(0.0, row_step);
  const int rows = static_cast<int>(inner_b / row_step) + 2;
  const int cols = static_cast<int>(inner_a / spacing) + 2;
  for (int j = -rows; j <= rows; ++j) {
    for (int i = -cols; i <= cols; ++i) {
      Fascicle f;
      f.r = 0.4 * spacing * rng.Uniform(0.8, 1.1);
      f.u = origin_u + (i + 0.5 * (j & 1)) * spacing + rng.Uniform(-0.1, 0.1) * spacing;
      f.v = origin_v + j * row_step + rng.Uniform(-0.1, 0.1) * spacing;
      const double ra = inner_a - 0.5 * f.r;
      const double rb = inner_b - 0.5 * f.r;
      if ((f.u / ra) * (f.u / ra) + (f.v / rb) * (f.v / rb) <= 1.0) nerve->fascicles.push_back(f);
    }
  }
  if (nerve->fascicles.empty()) nerve->fascicles.push_back({0.0, 0.0, 0.4 * spacing});
}

void DrawNerve(Rng& rng, const NerveClass& nc, const Patient& patient, const Grid& grid,
               double superficial, Nerve* nerve) {
  const double half_w = grid.half_width_mm();
  const double depth = grid.depth_mm();
  const double arm = rng.Bernoulli(0.5) ? 1.0 : -1.0;
  const double a = nc.half_width_mm.Draw(rng) * patient.nerve_scale;
  nerve->shape.a = a;
  nerve->shape.b = a / nc.aspect.Draw(rng);
  RandomRotation(rng, 0.13, &nerve->shape.cos_t, &nerve->shape.sin_t);
  for (double& h : nerve->harmonics) h = rng.Uniform(-0.035, 0.035);
  const double ex = NerveHalfWidth(*nerve);
  const double ez = NerveHalfDepth(*nerve);
  const double min_z = std::max(superficial + 1.0, 0.0) + ez;
  nerve->shape.z = std::clamp(nc.depth_mm.Draw(rng), min_z, std::max(min_z, depth - ez - 1.0));
  nerve->shape.z = std::min(nerve->shape.z, depth - ez - 0.5);
  const double max_l = std::max(0.0, half_w - ex - 1.0);
  nerve->shape.l = std::clamp(arm * nc.lateral_mm.Draw(rng), -max_l, max_l);
  nerve->sheath_mm = rng.Uniform(0.35, 0.55);
  const double contrast = rng.Uniform(-1.0, 1.0);
  nerve->sheath_amp = static_cast<float>(DbToAmplitude(patient.sheath_db + contrast));
  nerve->matrix_amp = static_cast<float>(DbToAmplitude(rng.Uniform(4.0, 7.0) + contrast));
  nerve->fascicle_amp = static_cast<float>(DbToAmplitude(patient.fascicle_db + contrast));
  const int count =
      nc.min_fascicles + static_cast<int>(rng.UniformInt(nc.max_fascicles - nc.min_fascicles + 1));
  DrawFascicles(rng, count, nerve);
}

Vessel MakeArtery(Rng& rng, double z, double l, double radius) {
  Vessel v;
  v.shape.z = z;
  v.shape.l = l;
  v.shape.a = radius;
  v.shape.b = radius * rng.Uniform(0.85, 1.0);  // Slightly compressed by the probe.
  v.wall_mm = rng.Uniform(0.3, 0.45);
  v.wall_amp = static_cast<float>(DbToAmplitude(rng.Uniform(5.0, 9.0)));
  v.lumen_amp = static_cast<float>(DbToAmplitude(rng.Uniform(-34.0, -28.0)));
  v.enhancement = rng.Uniform(0.25, 0.6);
  return v;
}

// The artery that goes with the class, on either side of the nerve.
void DrawArtery(Rng& rng, const NerveClass& nc, const Grid& grid, double superficial, Anatomy* an) {
  if (!rng.Bernoulli(nc.artery_probability)) return;
  const Nerve& nerve = an->nerve;
  const double half_w = grid.half_width_mm();
  const double r = nc.artery_radius_mm.Draw(rng);
  double side = rng.Bernoulli(0.5) ? 1.0 : -1.0;
  const double offset = NerveHalfWidth(nerve) + nc.artery_gap_mm.Draw(rng) + r;
  if (std::fabs(nerve.shape.l + side * offset) > half_w - r) side = -side;
  const double z = nerve.shape.z + rng.Uniform(-0.5, 0.5) * NerveHalfDepth(nerve);
  an->vessels.push_back(
      MakeArtery(rng, std::max(z, r + superficial), nerve.shape.l + side * offset, r));
}

// Bone: on the radial nerve's humerus, or deep below any nerve.
void DrawBone(Rng& rng, const NerveClass& nc, const Grid& grid, Anatomy* an) {
  const Nerve& nerve = an->nerve;
  Bone& bone = an->bone;
  bone.l = nerve.shape.l + rng.Uniform(-6.0, 6.0);
  bone.half_extent = rng.Uniform(7.0, 15.0);
  bone.curvature = rng.Uniform(0.025, 0.07);
  bone.sigma_mm = rng.Uniform(0.2, 0.35);
  bone.amp = static_cast<float>(DbToAmplitude(rng.Uniform(16.0, 22.0)));
  bone.shadow = static_cast<float>(DbToAmplitude(rng.Uniform(-20.0, -14.0)));
  double floor_z = nerve.shape.z + NerveHalfDepth(nerve);
  for (const Vessel& v : an->vessels) floor_z = std::max(floor_z, v.shape.z + v.shape.b);
  if (rng.Bernoulli(nc.near_bone_probability)) {
    bone.z = floor_z + nc.bone_gap_mm.Draw(rng);
    an->has_bone = true;
  } else {
    bone.z = std::max(floor_z + 2.5, rng.Uniform(12.0, 30.0));
    an->has_bone = rng.Bernoulli(kDeepBoneProbability);
  }
  if (bone.z > grid.depth_mm() - 1.0) an->has_bone = false;
}

// A vein, flattened by the probe, anywhere it does not collide.
void DrawVein(Rng& rng, const Grid& grid, double superficial, Anatomy* an) {
  if (!rng.Bernoulli(0.5)) return;
  const double half_w = grid.half_width_mm();
  Vessel v;
  v.shape.a = rng.Uniform(1.0, 2.4);
  v.shape.b = v.shape.a * rng.Uniform(0.25, 0.55);
  RandomRotation(rng, 0.1, &v.shape.cos_t, &v.shape.sin_t);
  v.wall_mm = 0.2;
  v.wall_amp = static_cast<float>(DbToAmplitude(rng.Uniform(0.0, 4.0)));
  v.lumen_amp = static_cast<float>(DbToAmplitude(rng.Uniform(-30.0, -24.0)));
  v.enhancement = 0.0;
  Ellipse nerve_box = an->nerve.shape;
  nerve_box.a *= 1.15;
  nerve_box.b *= 1.15;
  for (int attempt = 0; attempt < 4; ++attempt) {
    v.shape.z = rng.Uniform(superficial + 1.5, std::max(superficial + 1.5, 24.0));
    v.shape.l = rng.Uniform(-half_w + 2.0, half_w - 2.0);
    bool ok = !Overlaps(v.shape, nerve_box, 1.0);
    for (const Vessel& o : an->vessels) ok = ok && !Overlaps(v.shape, o.shape, 1.0);
    if (an->has_bone) ok = ok && v.shape.z + v.shape.b + 1.0 < an->bone.z;
    if (ok) {
      an->vessels.push_back(v);
      return;
    }
  }
}

// Septa of the subcutaneous fat: short thin oblique bright lines.
void DrawSepta(Rng& rng, const Patient& patient, const Grid& grid, double superficial,
               Anatomy* an) {
  const double half_w = grid.half_width_mm();
  const int septa = 2 + static_cast<int>(rng.UniformInt(5));
  for (int i = 0; i < septa; ++i) {
    Segment s;
    const double length = rng.Uniform(3.0, 12.0);
    const double slope = rng.Uniform(-0.35, 0.35);
    s.l0 = rng.Uniform(-half_w, half_w);
    s.z0 = rng.Uniform(patient.skin_mm + 0.3, std::max(patient.skin_mm + 0.3, superficial - 0.3));
    const double norm = std::sqrt(1.0 + slope * slope);
    s.l1 = s.l0 + length / norm;
    s.z1 = std::clamp(s.z0 + slope * length / norm, patient.skin_mm, superficial);
    s.sigma_mm = rng.Uniform(0.08, 0.15);
    s.amp = static_cast<float>(DbToAmplitude(rng.Uniform(0.0, 5.0)));
    an->septa.push_back(s);
  }
}

// Muscle's "starry night": small bright specks (perimysium), about 0.25 per mm^2.
void DrawBlobs(Rng& rng, const Grid& grid, double superficial, Anatomy* an) {
  const double half_w = grid.half_width_mm();
  const double depth = grid.depth_mm();
  const int blobs = static_cast<int>(0.25 * 2.0 * half_w * std::max(0.0, depth - superficial));
  an->blobs.reserve(blobs);
  for (int i = 0; i < blobs; ++i) {
    Blob b;
    b.z = rng.Uniform(superficial, depth);
    b.l = rng.Uniform(-half_w, half_w);
    b.amp = static_cast<float>(DbToAmplitude(rng.Uniform(0.0, 7.0)));
    an->blobs.push_back(b);
  }
}

}  // namespace

Anatomy MakeAnatomy(uint64_t anatomy_seed, int nerve_class, const Patient& patient,
                    const Grid& grid) {
  Rng rng(anatomy_seed);
  Anatomy an;
  an.gain_db = rng.Uniform(-1.5, 1.5);
  DrawTexture(rng, grid, &an);
  const double superficial = DrawFasciae(rng, patient, grid, &an);
  const NerveClass& nc = kNerveClasses[nerve_class];
  DrawNerve(rng, nc, patient, grid, superficial, &an.nerve);
  DrawArtery(rng, nc, grid, superficial, &an);
  DrawBone(rng, nc, grid, &an);
  DrawVein(rng, grid, superficial, &an);
  DrawSepta(rng, patient, grid, superficial, &an);
  DrawBlobs(rng, grid, superficial, &an);
  return an;
}

}  // namespace nerve_mtl::data::phantom_internal
