#include "data/phantom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "data/random.h"

namespace nerve_mtl::data {
namespace {

// Seed layout: DeriveSeed(seed, {kPhantomStream, patient}) is the patient's seed; its own Rng
// draws the patient, and DeriveSeed(patient_seed, {key, ...}) the per-image streams. Separate
// streams keep the anatomy of an image fixed when only its speckle changes (near-duplicates).
constexpr uint64_t kPhantomStream = 0x7068616e746f6d31ULL;  // "phantom1"
constexpr uint64_t kProtocolKey = 0x70726f746f636f6cULL;    // Channel contrasts, all patients.
constexpr uint64_t kRoleKey = 1;
constexpr uint64_t kAnatomyKey = 2;
constexpr uint64_t kSpeckleKey = 3;
constexpr uint64_t kContextKey = 4;  // Under an anatomy seed: the class an empty image shows.

// Sigma of a one-pixel box, in pixels: the blur of integrating over a pixel.
constexpr double kPixelSigma = 0.3;
constexpr int kNerveClassCount = 3;
constexpr double kLog2E = 1.4426950408889634;
constexpr double kLn2 = 0.6931471805599453;
constexpr double kLog2Of10 = 3.321928094887362;
constexpr double kPi = 3.141592653589793;

// ---------------------------------------------------------------------------------------------
// Deterministic math. libm's exp/log may differ in the last bit between libraries; these use
// only IEEE-exact operations (+, *, /, sqrt, floor, frexp, ldexp), so results are the same
// everywhere. Their accuracy (~1e-8 relative) is far below one gray level.

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

// exp(-t^2 / 2) sampled every 1/kProfileSteps for t in [0, kProfileSigmas]: line and blob
// profiles without a transcendental per pixel.
constexpr int kProfileSteps = 32;
constexpr int kProfileSigmas = 3;

using ProfileTable = std::array<float, kProfileSteps * kProfileSigmas + 1>;

const ProfileTable& GaussianProfile() {
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
float Gauss(double t) {
  const double a = std::fabs(t) * kProfileSteps;
  if (a >= kProfileSteps * kProfileSigmas) return 0.0f;
  return GaussianProfile()[static_cast<size_t>(a + 0.5)];
}

// ---------------------------------------------------------------------------------------------
// Geometry: millimetres, depth z from the skin down, lateral l from the image centre.

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
void RandomRotation(Rng& rng, double max_half_tan, double* cos_t, double* sin_t) {
  const double t = rng.Uniform(-max_half_tan, max_half_tan);
  *cos_t = (1.0 - t * t) / (1.0 + t * t);
  *sin_t = 2.0 * t / (1.0 + t * t);
}

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

// A smooth random curve over the image width: values at kCurvePoints evenly spaced lateral
// positions, joined by Catmull-Rom splines.
constexpr int kCurvePoints = 6;
using Curve = std::array<double, kCurvePoints>;

std::vector<float> EvaluateCurve(const Curve& c, const Grid& grid) {
  std::vector<float> out(grid.width);
  const double step = 2.0 * grid.half_width_mm() / (kCurvePoints - 1);
  for (int x = 0; x < grid.width; ++x) {
    const double s = std::clamp((grid.L(x) + grid.half_width_mm()) / step, 0.0,
                                kCurvePoints - 1.000001);
    const int k = static_cast<int>(s);
    const double t = s - k;
    const double p0 = c[std::max(k - 1, 0)];
    const double p1 = c[k];
    const double p2 = c[std::min(k + 1, kCurvePoints - 1)];
    const double p3 = c[std::min(k + 2, kCurvePoints - 1)];
    out[x] = static_cast<float>(
        0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t +
               (3 * p1 - p0 - 3 * p2 + p3) * t * t * t));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Patients, channels and classes.

struct Patient {
  double gain_db;
  double attenuation_db_per_mm;  // After the scanner's time-gain compensation.
  std::array<double, 5> tgc_db;  // Residual gain error at 0, 10, ..., 40 mm.
  double dynamic_range_db;
  double speckle_axial_mm;       // Speckle grain (smoothing sigma of the complex field).
  double speckle_lateral_mm;
  double psf_axial_mm;           // Point-spread function sigma.
  double psf_lateral_mm;
  double skin_mm;
  double skin_db;
  double fat_db;
  double fascia_db;
  std::vector<double> fascia_mm;  // Superficial fascia first, then intermuscular fasciae.
  std::vector<double> muscle_db;  // Echogenicity of the muscle below each fascia.
  double nerve_scale;
  double sheath_db;
  double fascicle_db;
};

uint64_t PatientSeed(uint64_t seed, int patient) {
  return DeriveSeed(seed, {kPhantomStream, static_cast<uint64_t>(patient)});
}

Patient MakePatient(uint64_t patient_seed) {
  Rng rng(patient_seed);
  Patient p;
  // Gain and attenuation vary most: they dominate the global intensity statistics, as in
  // real scans taken by different operators on different arms.
  p.gain_db = rng.Uniform(-9.0, 9.0);
  p.attenuation_db_per_mm = rng.Uniform(0.08, 0.45);
  for (double& t : p.tgc_db) t = rng.Uniform(-3.0, 3.0);
  p.dynamic_range_db = rng.Uniform(45.0, 65.0);
  p.speckle_axial_mm = rng.Uniform(0.05, 0.1);
  p.speckle_lateral_mm = p.speckle_axial_mm * rng.Uniform(1.6, 2.6);
  p.psf_axial_mm = rng.Uniform(0.04, 0.08);
  p.psf_lateral_mm = rng.Uniform(0.08, 0.16);
  p.skin_mm = rng.Uniform(0.6, 1.3);
  p.skin_db = rng.Uniform(4.0, 8.0);
  p.fat_db = rng.Uniform(-11.0, -6.0);
  p.fascia_db = rng.Uniform(8.0, 12.0);
  const int layers = 2 + static_cast<int>(rng.UniformInt(3));
  double depth = rng.Uniform(2.5, 5.0);
  for (int i = 0; i < layers; ++i) {
    p.fascia_mm.push_back(depth);
    p.muscle_db.push_back(rng.Uniform(-4.0, 0.0));
    depth += rng.Uniform(6.0, 11.0);
  }
  p.nerve_scale = rng.Uniform(0.88, 1.12);
  p.sheath_db = rng.Uniform(10.0, 13.0);
  p.fascicle_db = rng.Uniform(-9.0, -5.0);
  return p;
}

// One acquisition contrast. Channel 0 is the nominal protocol; the others alternate lower and
// higher transmit frequency (coarser or finer speckle and resolution, less or more attenuation)
// with their own gain and dynamic range. The same for all patients, like a fixed protocol.
struct Channel {
  double frequency = 1.0;
  double gain_db = 0.0;
  double dynamic_range_scale = 1.0;
};

Channel MakeChannel(uint64_t seed, int channel) {
  Channel ch;
  if (channel == 0) return ch;
  Rng rng(DeriveSeed(seed, {kPhantomStream, kProtocolKey, static_cast<uint64_t>(channel)}));
  ch.frequency = channel % 2 == 1 ? rng.Uniform(0.6, 0.8) : rng.Uniform(1.25, 1.5);
  ch.gain_db = rng.Uniform(-5.0, 5.0);
  ch.dynamic_range_scale = rng.Uniform(0.75, 1.3);
  return ch;
}

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
    {{3.6, 4.6}, {1.8, 2.4}, 14, 22, {8.0, 14.0}, {-4.0, 4.0}, 0.8, {1.9, 2.7}, {2.0, 5.0},
     0.1, {3.0, 6.0}},
    // Radial: small, round, few fascicles; deep, on the humerus.
    {{1.5, 2.0}, {1.0, 1.25}, 2, 5, {10.0, 18.0}, {-8.0, 8.0}, 0.1, {0.8, 1.2}, {1.0, 3.0}, 0.9,
     {1.5, 4.5}},
    // Ulnar: medium, intermediate count; the ulnar artery right beside it.
    {{2.4, 3.0}, {1.3, 1.7}, 7, 11, {6.0, 12.0}, {1.0, 8.0}, 0.9, {1.2, 1.8}, {0.5, 2.0}, 0.1,
     {3.0, 6.0}},
};

// ---------------------------------------------------------------------------------------------
// Anatomy of one image, drawn from its own stream.

struct Fascicle {
  double u, v, r;  // In the nerve's frame, mm.
};

struct Nerve {
  Ellipse shape;
  std::array<double, 4> harmonics;  // cos 2t, sin 2t, cos 3t, sin 3t: an irregular outline.
  double sheath_mm;
  float sheath_amp;
  float matrix_amp;
  float fascicle_amp;
  std::vector<Fascicle> fascicles;
};

struct Vessel {
  Ellipse shape;
  double wall_mm;
  float wall_amp;
  float lumen_amp;
  double enhancement;  // Posterior acoustic enhancement: amplitude gain below, minus one.
};

struct Bone {
  double z, l;         // Top of the arc.
  double half_extent;  // Lateral half length.
  double curvature;    // Depth grows by curvature * dl^2 away from the top.
  double sigma_mm;
  float amp;
  float shadow;        // Amplitude factor below the bone.
};

struct Segment {
  double z0, l0, z1, l1;
  double sigma_mm;
  float amp;
};

struct Blob {
  double z, l;
  float amp;
};

// Mottled echotexture: dB values on a coarse grid, interpolated bilinearly.
constexpr double kTextureLateralMm = 1.6;
constexpr double kTextureAxialMm = 1.0;

struct Anatomy {
  bool nerve_visible = true;
  int texture_columns = 0;
  std::vector<float> texture;  // Amplitude factors, row-major, kTexture*Mm apart.
  Nerve nerve;
  std::vector<Vessel> vessels;
  bool has_bone = false;
  Bone bone;
  std::vector<Curve> fascia_depth;       // mm, per fascia.
  std::vector<Curve> fascia_brightness;  // Factor along each fascia (anisotropy, gaps).
  std::vector<double> fascia_sigma_mm;
  std::vector<Segment> septa;
  std::vector<Blob> blobs;
  double gain_db = 0.0;  // Operator's gain change for this image.
};

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

bool Overlaps(const Ellipse& a, const Ellipse& b, double margin) {
  return std::fabs(a.l - b.l) < a.HalfWidth() + b.HalfWidth() + margin &&
         std::fabs(a.z - b.z) < a.HalfDepth() + b.HalfDepth() + margin;
}

// nerve_class: the class whose surroundings are drawn (also for images with no nerve, so that
// "none" images have the same neighbours as the others).
Anatomy MakeAnatomy(uint64_t anatomy_seed, int nerve_class, const Patient& patient,
                    const Grid& grid) {
  Rng rng(anatomy_seed);
  Anatomy an;
  const double half_w = grid.half_width_mm();
  const double depth = grid.depth_mm();
  an.gain_db = rng.Uniform(-1.5, 1.5);
  an.texture_columns = static_cast<int>(2.0 * half_w / kTextureLateralMm) + 2;
  const int texture_rows = static_cast<int>(depth / kTextureAxialMm) + 2;
  an.texture.resize(static_cast<size_t>(texture_rows) * an.texture_columns);
  for (float& t : an.texture) t = static_cast<float>(DbToAmplitude(rng.Uniform(-4.0, 4.0)));

  // Fasciae at the patient's depths, shifted by probe pressure and position.
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
    an.fascia_depth.push_back(d);
    an.fascia_brightness.push_back(b);
    an.fascia_sigma_mm.push_back(rng.Uniform(0.15, 0.3));
  }
  const double superficial = patient.fascia_mm.front() * squeeze;

  // The nerve.
  const NerveClass& nc = kNerveClasses[nerve_class];
  Nerve& nerve = an.nerve;
  const double arm = rng.Bernoulli(0.5) ? 1.0 : -1.0;
  const double a = nc.half_width_mm.Draw(rng) * patient.nerve_scale;
  nerve.shape.a = a;
  nerve.shape.b = a / nc.aspect.Draw(rng);
  RandomRotation(rng, 0.13, &nerve.shape.cos_t, &nerve.shape.sin_t);
  for (double& h : nerve.harmonics) h = rng.Uniform(-0.035, 0.035);
  // Outline radius is within 1 +- 0.14, so 1.15 x the ellipse's box holds the whole nerve.
  const double ex = 1.15 * nerve.shape.HalfWidth();
  const double ez = 1.15 * nerve.shape.HalfDepth();
  const double min_z = std::max(superficial + 1.0, 0.0) + ez;
  nerve.shape.z = std::clamp(nc.depth_mm.Draw(rng), min_z, std::max(min_z, depth - ez - 1.0));
  nerve.shape.z = std::min(nerve.shape.z, depth - ez - 0.5);
  const double max_l = std::max(0.0, half_w - ex - 1.0);
  nerve.shape.l = std::clamp(arm * nc.lateral_mm.Draw(rng), -max_l, max_l);
  nerve.sheath_mm = rng.Uniform(0.35, 0.55);
  const double contrast = rng.Uniform(-1.0, 1.0);
  nerve.sheath_amp = static_cast<float>(DbToAmplitude(patient.sheath_db + contrast));
  nerve.matrix_amp = static_cast<float>(DbToAmplitude(rng.Uniform(4.0, 7.0) + contrast));
  nerve.fascicle_amp = static_cast<float>(DbToAmplitude(patient.fascicle_db + contrast));
  // Fascicles: dark discs on a jittered hexagonal lattice clipped to the inside, spaced so
  // that about `count` fit; the bright epineurium between them makes the honeycomb.
  const int count =
      nc.min_fascicles + static_cast<int>(rng.UniformInt(nc.max_fascicles - nc.min_fascicles + 1));
  const double inner_a = std::max(0.2, nerve.shape.a * 0.92 - nerve.sheath_mm);
  const double inner_b = std::max(0.2, nerve.shape.b * 0.92 - nerve.sheath_mm);
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
      if ((f.u / ra) * (f.u / ra) + (f.v / rb) * (f.v / rb) <= 1.0) nerve.fascicles.push_back(f);
    }
  }
  if (nerve.fascicles.empty()) nerve.fascicles.push_back({0.0, 0.0, 0.4 * spacing});

  // The artery that goes with the class, on either side of the nerve.
  if (rng.Bernoulli(nc.artery_probability)) {
    const double r = nc.artery_radius_mm.Draw(rng);
    double side = rng.Bernoulli(0.5) ? 1.0 : -1.0;
    const double offset = ex + nc.artery_gap_mm.Draw(rng) + r;
    if (std::fabs(nerve.shape.l + side * offset) > half_w - r) side = -side;
    const double z = nerve.shape.z + rng.Uniform(-0.5, 0.5) * ez;
    an.vessels.push_back(
        MakeArtery(rng, std::max(z, r + superficial), nerve.shape.l + side * offset, r));
  }

  // Bone: on the radial nerve's humerus, or deep below any nerve.
  Bone& bone = an.bone;
  bone.l = nerve.shape.l + rng.Uniform(-6.0, 6.0);
  bone.half_extent = rng.Uniform(7.0, 15.0);
  bone.curvature = rng.Uniform(0.025, 0.07);
  bone.sigma_mm = rng.Uniform(0.2, 0.35);
  bone.amp = static_cast<float>(DbToAmplitude(rng.Uniform(16.0, 22.0)));
  bone.shadow = static_cast<float>(DbToAmplitude(rng.Uniform(-20.0, -14.0)));
  double floor_z = nerve.shape.z + ez;
  for (const Vessel& v : an.vessels) floor_z = std::max(floor_z, v.shape.z + v.shape.b);
  if (rng.Bernoulli(nc.near_bone_probability)) {
    bone.z = floor_z + nc.bone_gap_mm.Draw(rng);
    an.has_bone = true;
  } else {
    bone.z = std::max(floor_z + 2.5, rng.Uniform(12.0, 30.0));
    an.has_bone = rng.Bernoulli(kDeepBoneProbability);
  }
  if (bone.z > depth - 1.0) an.has_bone = false;

  // A vein, flattened by the probe, anywhere it does not collide.
  if (rng.Bernoulli(0.5)) {
    Vessel v;
    v.shape.a = rng.Uniform(1.0, 2.4);
    v.shape.b = v.shape.a * rng.Uniform(0.25, 0.55);
    RandomRotation(rng, 0.1, &v.shape.cos_t, &v.shape.sin_t);
    v.wall_mm = 0.2;
    v.wall_amp = static_cast<float>(DbToAmplitude(rng.Uniform(0.0, 4.0)));
    v.lumen_amp = static_cast<float>(DbToAmplitude(rng.Uniform(-30.0, -24.0)));
    v.enhancement = 0.0;
    Ellipse nerve_box = nerve.shape;
    nerve_box.a *= 1.15;
    nerve_box.b *= 1.15;
    for (int attempt = 0; attempt < 4; ++attempt) {
      v.shape.z = rng.Uniform(superficial + 1.5, std::max(superficial + 1.5, 24.0));
      v.shape.l = rng.Uniform(-half_w + 2.0, half_w - 2.0);
      bool ok = !Overlaps(v.shape, nerve_box, 1.0);
      for (const Vessel& o : an.vessels) ok = ok && !Overlaps(v.shape, o.shape, 1.0);
      if (an.has_bone) ok = ok && v.shape.z + v.shape.b + 1.0 < bone.z;
      if (ok) {
        an.vessels.push_back(v);
        break;
      }
    }
  }

  // Septa of the subcutaneous fat: short thin oblique bright lines.
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
    an.septa.push_back(s);
  }

  // Muscle's "starry night": small bright specks (perimysium), about 0.25 per mm^2.
  const int blobs = static_cast<int>(0.25 * 2.0 * half_w * std::max(0.0, depth - superficial));
  an.blobs.reserve(blobs);
  for (int i = 0; i < blobs; ++i) {
    Blob b;
    b.z = rng.Uniform(superficial, depth);
    b.l = rng.Uniform(-half_w, half_w);
    b.amp = static_cast<float>(DbToAmplitude(rng.Uniform(0.0, 7.0)));
    an.blobs.push_back(b);
  }
  return an;
}

// ---------------------------------------------------------------------------------------------
// Rendering.

// Echogenicity (mean backscatter amplitude, muscle ~ 1) and, when mask is given, the nerve.
void RenderEchogenicity(const Anatomy& an, const Patient& patient, const Grid& grid,
                        std::vector<float>* echo, Mask* mask) {
  const int h = grid.height;
  const int w = grid.width;
  std::vector<float>& e = *echo;
  e.assign(static_cast<size_t>(h) * w, 0.0f);

  // Layers, column by column: skin, fat, then one muscle per fascia.
  const size_t layers = an.fascia_depth.size();
  std::vector<std::vector<float>> depth(layers);
  std::vector<std::vector<float>> bright(layers);
  for (size_t i = 0; i < layers; ++i) {
    depth[i] = EvaluateCurve(an.fascia_depth[i], grid);
    bright[i] = EvaluateCurve(an.fascia_brightness[i], grid);
  }
  const float skin_amp = static_cast<float>(DbToAmplitude(patient.skin_db));
  const float fat_amp = static_cast<float>(DbToAmplitude(patient.fat_db));
  std::vector<float> muscle_amp(layers);
  for (size_t i = 0; i < layers; ++i) {
    muscle_amp[i] = static_cast<float>(DbToAmplitude(patient.muscle_db[i]));
  }
  std::vector<float> bounds(layers);
  for (int x = 0; x < w; ++x) {
    float prev = static_cast<float>(patient.skin_mm);
    for (size_t i = 0; i < layers; ++i) {
      prev = std::max(prev, depth[i][x]);  // Keep layers ordered.
      bounds[i] = prev;
    }
    size_t layer = 0;
    for (int y = 0; y < h; ++y) {
      const double z = grid.Z(y);
      float amp;
      if (z < patient.skin_mm) {
        amp = skin_amp;
      } else if (z < bounds[0]) {
        amp = fat_amp;
      } else {
        while (layer + 1 < layers && z >= bounds[layer + 1]) ++layer;
        amp = muscle_amp[layer];
      }
      e[static_cast<size_t>(y) * w + x] = amp;
    }
  }

  // Mottling.
  {
    const int tc = an.texture_columns;
    const int tr = static_cast<int>(an.texture.size()) / tc;
    std::vector<int> col(w);
    std::vector<float> col_frac(w);
    for (int x = 0; x < w; ++x) {
      const double s = std::clamp((grid.L(x) + grid.half_width_mm()) / kTextureLateralMm, 0.0,
                                  tc - 1.000001);
      col[x] = static_cast<int>(s);
      col_frac[x] = static_cast<float>(s - col[x]);
    }
    for (int y = 0; y < h; ++y) {
      const double s = std::clamp(grid.Z(y) / kTextureAxialMm, 0.0, tr - 1.000001);
      const int r = static_cast<int>(s);
      const float fr = static_cast<float>(s - r);
      const float* t0 = an.texture.data() + static_cast<size_t>(r) * tc;
      const float* t1 = t0 + tc;
      float* row = e.data() + static_cast<size_t>(y) * w;
      for (int x = 0; x < w; ++x) {
        const int c = col[x];
        const float fc = col_frac[x];
        const float top = t0[c] + fc * (t0[c + 1] - t0[c]);
        const float bottom = t1[c] + fc * (t1[c + 1] - t1[c]);
        row[x] *= top + fr * (bottom - top);
      }
    }
  }

  // Fascia lines.
  const float fascia_amp = static_cast<float>(DbToAmplitude(patient.fascia_db));
  for (size_t i = 0; i < layers; ++i) {
    const double sigma = an.fascia_sigma_mm[i];
    for (int x = 0; x < w; ++x) {
      const double zc = depth[i][x];
      const float amp = fascia_amp * std::max(0.0f, bright[i][x]);
      const int y0 = grid.RowAtOrAbove(zc - kProfileSigmas * sigma);
      const int y1 = grid.RowAtOrBelow(zc + kProfileSigmas * sigma);
      for (int y = y0; y <= y1; ++y) {
        e[static_cast<size_t>(y) * w + x] += amp * Gauss((grid.Z(y) - zc) / sigma);
      }
    }
  }

  // Septa.
  for (const Segment& s : an.septa) {
    const double reach = kProfileSigmas * s.sigma_mm;
    const int y0 = grid.RowAtOrAbove(std::min(s.z0, s.z1) - reach);
    const int y1 = grid.RowAtOrBelow(std::max(s.z0, s.z1) + reach);
    const int x0 = grid.ColumnLeftOf(std::min(s.l0, s.l1) - reach);
    const int x1 = grid.ColumnRightOf(std::max(s.l0, s.l1) + reach);
    const double dz = s.z1 - s.z0;
    const double dl = s.l1 - s.l0;
    const double len2 = std::max(1e-12, dz * dz + dl * dl);
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const double pz = grid.Z(y) - s.z0;
        const double pl = grid.L(x) - s.l0;
        const double t = std::clamp((pz * dz + pl * dl) / len2, 0.0, 1.0);
        const double qz = pz - t * dz;
        const double ql = pl - t * dl;
        const double d = std::sqrt(qz * qz + ql * ql);
        e[static_cast<size_t>(y) * w + x] += s.amp * Gauss(d / s.sigma_mm);
      }
    }
  }

  // Bright specks, stamped: wider laterally, like everything the beam resolves.
  {
    const double sz = 0.12 / grid.pitch;
    const double sl = 0.3 / grid.pitch;
    const int ry = std::max(0, static_cast<int>(std::ceil(2.0 * sz)));
    const int rx = std::max(0, static_cast<int>(std::ceil(2.0 * sl)));
    std::vector<float> stamp((2 * ry + 1) * (2 * rx + 1));
    for (int j = -ry; j <= ry; ++j) {
      for (int i = -rx; i <= rx; ++i) {
        stamp[(j + ry) * (2 * rx + 1) + (i + rx)] = Gauss(j / sz) * Gauss(i / sl);
      }
    }
    for (const Blob& b : an.blobs) {
      const int cy = static_cast<int>(b.z / grid.pitch);
      const int cx = static_cast<int>((b.l + grid.half_width_mm()) / grid.pitch);
      for (int j = -ry; j <= ry; ++j) {
        const int y = cy + j;
        if (y < 0 || y >= h) continue;
        for (int i = -rx; i <= rx; ++i) {
          const int x = cx + i;
          if (x < 0 || x >= w) continue;
          e[static_cast<size_t>(y) * w + x] += b.amp * stamp[(j + ry) * (2 * rx + 1) + (i + rx)];
        }
      }
    }
  }

  // Vessels: anechoic lumen in a bright wall, posterior enhancement below arteries.
  for (const Vessel& v : an.vessels) {
    const Ellipse& s = v.shape;
    const int y0 = grid.RowAtOrAbove(s.z - s.HalfDepth());
    const int y1 = grid.RowAtOrBelow(s.z + s.HalfDepth());
    const int x0 = grid.ColumnLeftOf(s.l - s.HalfWidth());
    const int x1 = grid.ColumnRightOf(s.l + s.HalfWidth());
    const double radius = std::min(s.a, s.b);
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        double u, vv;
        s.Local(grid.Z(y), grid.L(x), &u, &vv);
        const double rho = std::sqrt((u / s.a) * (u / s.a) + (vv / s.b) * (vv / s.b));
        if (rho >= 1.0) continue;
        e[static_cast<size_t>(y) * w + x] = (1.0 - rho) * radius < v.wall_mm ? v.wall_amp
                                                                              : v.lumen_amp;
      }
    }
    if (v.enhancement > 0) {
      // Halving every 6 mm below the vessel.
      const double bottom = s.z + s.HalfDepth();
      const int y_start = grid.RowAtOrBelow(bottom);
      std::vector<float> fade(h - y_start);
      for (int y = y_start; y < h; ++y) {
        fade[y - y_start] = static_cast<float>(Exp2(-std::max(0.0, grid.Z(y) - bottom) / 6.0));
      }
      for (int x = x0; x <= x1; ++x) {
        const double t = (grid.L(x) - s.l) / s.a;
        if (t * t >= 1.0) continue;
        const float strength = static_cast<float>(v.enhancement * (1.0 - t * t));
        for (int y = y_start; y < h; ++y) {
          e[static_cast<size_t>(y) * w + x] *= 1.0f + strength * fade[y - y_start];
        }
      }
    }
  }

  // The nerve: bright sheath (brightest at top and bottom, where it is specular), moderately
  // bright epineurium between dark fascicles.
  if (an.nerve_visible || mask != nullptr) {
    const Nerve& n = an.nerve;
    const Ellipse& s = n.shape;
    const double ex = 1.15 * s.HalfWidth();
    const double ez = 1.15 * s.HalfDepth();
    const int y0 = grid.RowAtOrAbove(s.z - ez);
    const int y1 = grid.RowAtOrBelow(s.z + ez);
    const int x0 = grid.ColumnLeftOf(s.l - ex);
    const int x1 = grid.ColumnRightOf(s.l + ex);
    const auto& hm = n.harmonics;
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        double u, v;
        s.Local(grid.Z(y), grid.L(x), &u, &v);
        const double nu = u / s.a;
        const double nv = v / s.b;
        const double rho = std::sqrt(nu * nu + nv * nv);
        double c = 1.0;
        double sn = 0.0;
        if (rho > 1e-9) {
          c = nu / rho;
          sn = nv / rho;
        }
        const double r = 1.0 + hm[0] * (c * c - sn * sn) + hm[1] * (2 * c * sn) +
                         hm[2] * (4 * c * c * c - 3 * c) + hm[3] * (3 * sn - 4 * sn * sn * sn);
        if (rho >= r) continue;
        if (mask != nullptr) mask->at(y, x) = 1;
        if (!an.nerve_visible) continue;
        const double to_edge = rho > 1e-9 ? (r - rho) * std::sqrt(u * u + v * v) / rho : 1e9;
        float amp;
        if (to_edge < n.sheath_mm) {
          amp = n.sheath_amp * static_cast<float>(0.5 + 0.5 * sn * sn);
        } else {
          amp = n.matrix_amp;
          for (const Fascicle& f : n.fascicles) {
            if ((u - f.u) * (u - f.u) + (v - f.v) * (v - f.v) < f.r * f.r) {
              amp = n.fascicle_amp;
              break;
            }
          }
        }
        e[static_cast<size_t>(y) * w + x] = amp;
      }
    }
  }

  // Bone: a bright convex line, and an acoustic shadow below it.
  if (an.has_bone) {
    const Bone& b = an.bone;
    const double ramp = 1.5;  // mm over which the bone's ends fade.
    for (int x = 0; x < w; ++x) {
      const double dl = grid.L(x) - b.l;
      const double wgt = std::clamp((b.half_extent - std::fabs(dl)) / ramp, 0.0, 1.0);
      if (wgt <= 0.0) continue;
      const double zb = b.z + b.curvature * dl * dl;
      // The echo fades where the surface turns away from the beam.
      const double slope = 2.0 * b.curvature * dl / 0.6;
      const double line = wgt / (1.0 + slope * slope);
      const int y0 = grid.RowAtOrAbove(zb - kProfileSigmas * b.sigma_mm);
      for (int y = y0; y < h; ++y) {
        const double t = (grid.Z(y) - zb) / b.sigma_mm;
        const double shade = std::clamp((t - 0.5) / 3.0, 0.0, 1.0);
        const double mult = 1.0 - wgt * shade * (1.0 - b.shadow);
        float& p = e[static_cast<size_t>(y) * w + x];
        p = static_cast<float>(p * mult + line * b.amp * Gauss(t));
      }
    }
  }
}

// Separable Gaussian kernel, normalised to sum 1.
struct Kernel {
  int radius = 0;
  std::vector<float> taps;
  double sum_squares = 1.0;
};

Kernel GaussianKernel(double sigma_px) {
  Kernel k;
  k.radius = std::clamp(static_cast<int>(std::ceil(2.5 * sigma_px)), 1, 24);
  std::vector<double> t(2 * k.radius + 1);
  double sum = 0.0;
  for (int i = -k.radius; i <= k.radius; ++i) {
    const double v = sigma_px > 1e-3 ? Exp2(-0.5 * i * i / (sigma_px * sigma_px) * kLog2E)
                                     : (i == 0 ? 1.0 : 0.0);
    t[i + k.radius] = v;
    sum += v;
  }
  k.taps.resize(t.size());
  k.sum_squares = 0.0;
  for (size_t i = 0; i < t.size(); ++i) {
    k.taps[i] = static_cast<float>(t[i] / sum);
    k.sum_squares += static_cast<double>(k.taps[i]) * k.taps[i];
  }
  return k;
}

// out[x] += c * in[x] for x < n. Written in fixed blocks of 8 so that GCC's -O2 (whose cheapest
// cost model vectorizes no loop of unknown length) still emits vector code; results are the
// same, since no sum is reordered.
void AddScaled(float c, const float* __restrict in, float* __restrict out, int n) {
  int x = 0;
  for (; x + 8 <= n; x += 8) {
    for (int k = 0; k < 8; ++k) out[x + k] += c * in[x + k];
  }
  for (; x < n; ++x) out[x] += c * in[x];
}

// Along rows (lateral), edges clamped. `pad` is scratch.
void ConvolveRows(const float* in, float* __restrict out, int h, int w, const Kernel& k,
                  std::vector<float>* pad) {
  const int r = k.radius;
  pad->resize(w + 2 * r);
  float* __restrict p = pad->data();
  const float* taps = k.taps.data();
  const int n = 2 * r + 1;
  for (int y = 0; y < h; ++y) {
    const float* row = in + static_cast<size_t>(y) * w;
    for (int i = 0; i < r; ++i) {
      p[i] = row[0];
      p[w + r + i] = row[w - 1];
    }
    std::memcpy(p + r, row, sizeof(float) * w);
    // Tap by tap over the whole row: contiguous, and each output sums its taps in the same
    // order as a per-pixel loop would.
    float* __restrict o = out + static_cast<size_t>(y) * w;
    std::fill(o, o + w, 0.0f);
    for (int j = 0; j < n; ++j) AddScaled(taps[j], p + j, o, w);
  }
}

// Along columns (axial), edges clamped; row-wise so that the inner loop is contiguous.
void ConvolveColumns(const float* in, float* __restrict out, int h, int w, const Kernel& k) {
  const int r = k.radius;
  for (int y = 0; y < h; ++y) {
    float* __restrict o = out + static_cast<size_t>(y) * w;
    std::fill(o, o + w, 0.0f);
    for (int j = -r; j <= r; ++j) {
      AddScaled(k.taps[j + r], in + static_cast<size_t>(std::clamp(y + j, 0, h - 1)) * w, o, w);
    }
  }
}

// log2 over amplitude buckets: the float's exponent and top 8 mantissa bits index the table,
// which resolves 1/256 octave (0.024 dB), far below a gray level.
constexpr int kLogShift = 15;
constexpr float kMinAmplitude = 0x1.0p-24f;
constexpr float kMaxAmplitude = 0x1.fffffep15f;

uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

struct LogTable {
  uint32_t first;
  std::vector<float> log2;
};

const LogTable& GetLogTable() {
  static const LogTable* const table = [] {
    auto* t = new LogTable;
    t->first = FloatBits(kMinAmplitude) >> kLogShift;
    const uint32_t last = FloatBits(kMaxAmplitude) >> kLogShift;
    t->log2.resize(last - t->first + 1);
    for (uint32_t i = t->first; i <= last; ++i) {
      const uint32_t mid = (i << kLogShift) | (1u << (kLogShift - 1));
      float f;
      std::memcpy(&f, &mid, sizeof(f));
      t->log2[i - t->first] = static_cast<float>(Log2(f));
    }
    return t;
  }();
  return *table;
}

// Residual time-gain error, linear between knots every 10 mm.
double TgcDb(const Patient& p, double z) {
  const double s = std::clamp(z / 10.0, 0.0, 3.999999);
  const int k = static_cast<int>(s);
  return p.tgc_db[k] + (s - k) * (p.tgc_db[k + 1] - p.tgc_db[k]);
}

// One acquisition of the echogenicity map: depth gain x Rayleigh speckle, PSF, log compression.
void RenderChannel(const std::vector<float>& echo, const Anatomy& an, const Patient& patient,
                   const Channel& ch, const Grid& grid, uint64_t speckle_seed, uint8_t* out) {
  const int h = grid.height;
  const int w = grid.width;
  const size_t n = static_cast<size_t>(h) * w;
  std::vector<float> re(n);
  std::vector<float> im(n);
  std::vector<float> tmp(n);
  std::vector<float> pad;

  // White complex noise. Each part is a sum of four 16-bit uniforms (Irwin-Hall): near Gaussian,
  // and exactly so after smoothing, at one generator call per value.
  Rng rng(speckle_seed);
  auto sum4 = [](uint64_t v) {
    const int s = static_cast<int>(v & 0xffff) + static_cast<int>((v >> 16) & 0xffff) +
                  static_cast<int>((v >> 32) & 0xffff) + static_cast<int>(v >> 48) - 131070;
    return static_cast<float>(s);
  };
  for (size_t i = 0; i < n; ++i) {
    re[i] = sum4(rng.Next());
    im[i] = sum4(rng.Next());
  }

  // Speckle grain: smooth the complex field (finer at higher frequency).
  const Kernel sk_z = GaussianKernel(patient.speckle_axial_mm / ch.frequency / grid.pitch);
  const Kernel sk_l = GaussianKernel(patient.speckle_lateral_mm / ch.frequency / grid.pitch);
  ConvolveRows(re.data(), tmp.data(), h, w, sk_l, &pad);
  ConvolveColumns(tmp.data(), re.data(), h, w, sk_z);
  ConvolveRows(im.data(), tmp.data(), h, w, sk_l, &pad);
  ConvolveColumns(tmp.data(), im.data(), h, w, sk_z);
  // Unit mean intensity: each part has variance (2^32 - 1) / 3 x the kernels' energy.
  const double variance = 4294967295.0 / 3.0 * sk_z.sum_squares * sk_l.sum_squares;
  const float intensity_norm = static_cast<float>(1.0 / (2.0 * variance));
  // A pixel larger than a speckle cell (area 2 pi sigma_z sigma_l) averages `looks` cells: the
  // intensity keeps its mean and its variance drops to 1 / looks, as when a fine image is
  // shrunk.
  const double cell = 2.0 * kPi * (patient.speckle_axial_mm / ch.frequency) *
                      (patient.speckle_lateral_mm / ch.frequency);
  const double looks = std::max(1.0, grid.pitch * grid.pitch / cell);
  const float contrast = static_cast<float>(1.0 / std::sqrt(looks));

  // Amplitude = echogenicity x depth gain x speckle.
  for (int y = 0; y < h; ++y) {
    const double z = grid.Z(y);
    const double db = -patient.attenuation_db_per_mm * ch.frequency * z + TgcDb(patient, z);
    const float g = static_cast<float>(DbToAmplitude(db));
    const size_t row = static_cast<size_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      const float a = re[row + x];
      const float b = im[row + x];
      const float intensity = 1.0f + contrast * ((a * a + b * b) * intensity_norm - 1.0f);
      tmp[row + x] = echo[row + x] * g * std::sqrt(intensity);
    }
  }

  // Point-spread function, wider laterally than axially, and the pixel's own extent.
  const auto psf = [&](double sigma_mm) {
    const double sigma_px = sigma_mm / ch.frequency / grid.pitch;
    return GaussianKernel(std::sqrt(sigma_px * sigma_px + kPixelSigma * kPixelSigma));
  };
  const Kernel pk_z = psf(patient.psf_axial_mm);
  const Kernel pk_l = psf(patient.psf_lateral_mm);
  ConvolveRows(tmp.data(), re.data(), h, w, pk_l, &pad);
  ConvolveColumns(re.data(), tmp.data(), h, w, pk_z);

  // Log compression: gray = 120 + 255 / DR * (20 log10(amplitude) + gain), clipped to 8 bits.
  const LogTable& table = GetLogTable();
  const double dr = patient.dynamic_range_db * ch.dynamic_range_scale;
  const float scale = static_cast<float>(255.0 / dr * 20.0 / kLog2Of10);
  const float offset =
      static_cast<float>(120.0 + 255.0 / dr * (patient.gain_db + an.gain_db + ch.gain_db)) + 0.5f;
  const float* lut = table.log2.data();
  for (size_t i = 0; i < n; ++i) {
    const float a = std::min(std::max(tmp[i], kMinAmplitude), kMaxAmplitude);
    const float g = scale * lut[(FloatBits(a) >> kLogShift) - table.first] + offset;
    out[i] = static_cast<uint8_t>(std::min(std::max(g, 0.0f), 255.0f));
  }
}

// ---------------------------------------------------------------------------------------------
// Which images are empty, which are duplicates, and the labels.

// Images of `patient` that get a role taken by `fraction` of all images; cumulative rounding, so
// the whole set gets round(fraction x total) and each patient nearly its share.
int Quota(double fraction, int per_patient, int patient) {
  // GeneratePhantom rejects fractions outside [0, 1]; GeneratePhantomExample must still not
  // convert a NaN to int.
  if (!(fraction > 0.0)) return 0;
  const double f = std::min(fraction, 1.0) * per_patient;
  const int q = static_cast<int>(std::floor(f * (patient + 1) + 0.5)) -
                static_cast<int>(std::floor(f * patient + 0.5));
  return std::clamp(q, 0, per_patient);
}

struct Role {
  int label = 0;
  bool nerve_visible = true;
  bool nerve_in_mask = true;
  int anatomy_index = 0;  // Whose anatomy is drawn: the image's own, or the duplicated one's.
};

Role AssignRole(const PhantomSource& spec, uint64_t patient_seed, int patient, int index) {
  Role role;
  role.anatomy_index = index;
  const int n = spec.images_per_patient();
  if (index < 0 || index >= n) {
    role.label = ((index % kNerveClassCount) + kNerveClassCount) % kNerveClassCount;
    return role;
  }
  const int empties = Quota(spec.empty_fraction(), n, patient);
  const int duplicates =
      std::min(Quota(spec.duplicate_fraction(), n, patient), std::max(0, n - empties - 1));
  const int first_normal = empties + duplicates;
  const int normals = n - first_normal;
  // A seeded shuffle decides which images take which role.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(DeriveSeed(patient_seed, {kRoleKey}));
  for (int i = n - 1; i > 0; --i) {
    std::swap(order[i], order[rng.UniformInt(static_cast<uint64_t>(i) + 1)]);
  }
  const int q = static_cast<int>(std::find(order.begin(), order.end(), index) - order.begin());
  // Classes cycle over the normal images, offset by patient, so the set is balanced.
  auto normal_label = [&](int pos) { return (pos - first_normal + patient) % kNerveClassCount; };
  if (q < empties) {
    role.label = kPhantomNone;
    role.nerve_visible = false;
    role.nerve_in_mask = false;
  } else if (q < first_normal) {
    // Same anatomy as a normal image, new speckle, the nerve's label, but an empty mask.
    const int source = first_normal + (q - empties) % normals;
    role.label = normal_label(source);
    role.nerve_in_mask = false;
    role.anatomy_index = order[source];
  } else {
    role.label = normal_label(q);
  }
  return role;
}

absl::Status CheckAtLeast(absl::string_view field, int value, int minimum) {
  if (value >= minimum) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " must be >= ", minimum, ", got ", value));
}

absl::Status CheckFraction(absl::string_view field, double value) {
  if (value >= 0.0 && value <= 1.0) return absl::OkStatus();  // False for NaN too.
  return absl::InvalidArgumentError(absl::StrCat(field, " must be in [0, 1], got ", value));
}

}  // namespace

std::vector<std::string> PhantomClassNames(const PhantomSource& spec) {
  std::vector<std::string> names = {"median", "radial", "ulnar"};
  if (spec.empty_fraction() > 0) names.push_back("none");
  return names;
}

Example GeneratePhantomExample(const PhantomSource& spec, int height, int width, int channels,
                               uint64_t seed, int patient, int index) {
  Example ex;
  ex.patient = absl::StrFormat("p%02d", patient + 1);
  ex.id = absl::StrFormat("%s/%04d", ex.patient, index);
  height = std::max(height, 1);
  width = std::max(width, 1);
  channels = std::max(channels, 1);
  ex.image = Image(channels, height, width);
  ex.mask = Mask(height, width);

  const uint64_t patient_seed = PatientSeed(seed, patient);
  const Patient p = MakePatient(patient_seed);
  const Role role = AssignRole(spec, patient_seed, patient, index);
  ex.label = role.label;
  const Grid grid{height, width, spec.field_of_view_mm() / std::max(height, width)};

  // Images with no nerve still show the surroundings of one of the three.
  const uint64_t anatomy_seed =
      DeriveSeed(patient_seed, {kAnatomyKey, static_cast<uint64_t>(role.anatomy_index)});
  const int context = role.nerve_visible
                          ? role.label
                          : static_cast<int>(Rng(DeriveSeed(anatomy_seed, {kContextKey}))
                                                 .UniformInt(kNerveClassCount));
  Anatomy an = MakeAnatomy(anatomy_seed, context, p, grid);
  an.nerve_visible = role.nerve_visible;

  std::vector<float> echo;
  RenderEchogenicity(an, p, grid, &echo, role.nerve_in_mask ? &ex.mask : nullptr);
  const size_t plane = static_cast<size_t>(height) * width;
  for (int c = 0; c < channels; ++c) {
    RenderChannel(echo, an, p, MakeChannel(seed, c), grid,
                  DeriveSeed(patient_seed, {kSpeckleKey, static_cast<uint64_t>(index),
                                            static_cast<uint64_t>(c)}),
                  ex.image.pixels.data() + c * plane);
  }
  return ex;
}

absl::StatusOr<Dataset> GeneratePhantom(const PhantomSource& spec, int height, int width,
                                        int channels, uint64_t seed) {
  absl::Status s = CheckAtLeast("phantom.patients", spec.patients(), 1);
  if (s.ok()) s = CheckAtLeast("phantom.images_per_patient", spec.images_per_patient(), 1);
  if (s.ok()) s = CheckFraction("phantom.empty_fraction", spec.empty_fraction());
  if (s.ok()) s = CheckFraction("phantom.duplicate_fraction", spec.duplicate_fraction());
  if (s.ok() && spec.empty_fraction() + spec.duplicate_fraction() > 1.0) {
    s = absl::InvalidArgumentError(absl::StrCat(
        "phantom.empty_fraction + phantom.duplicate_fraction must be <= 1, got ",
        spec.empty_fraction() + spec.duplicate_fraction()));
  }
  if (s.ok() && !(spec.field_of_view_mm() >= 10.0 && spec.field_of_view_mm() <= 80.0)) {
    s = absl::InvalidArgumentError(absl::StrCat("phantom.field_of_view_mm must be in [10, 80], got ",
                                                spec.field_of_view_mm()));
  }
  if (s.ok()) s = CheckAtLeast("height", height, 16);
  if (s.ok()) s = CheckAtLeast("width", width, 16);
  if (s.ok()) s = CheckAtLeast("channels", channels, 1);
  if (!s.ok()) return s;

  Dataset data;
  data.class_names = PhantomClassNames(spec);
  data.examples.reserve(static_cast<size_t>(spec.patients()) * spec.images_per_patient());
  for (int p = 0; p < spec.patients(); ++p) {
    for (int i = 0; i < spec.images_per_patient(); ++i) {
      data.examples.push_back(GeneratePhantomExample(spec, height, width, channels, seed, p, i));
    }
  }
  return data;
}

}  // namespace nerve_mtl::data
