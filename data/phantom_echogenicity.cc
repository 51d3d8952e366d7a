#include "data/phantom_echogenicity.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "data/phantom_math.h"

namespace nerve_mtl::data::phantom_internal {
namespace {

// Each fascia's depth and brightness at every column.
struct FasciaProfiles {
  std::vector<std::vector<float>> depth;
  std::vector<std::vector<float>> bright;
};

FasciaProfiles EvaluateFasciae(const Anatomy& an, const Grid& grid) {
  const size_t layers = an.fascia_depth.size();
  FasciaProfiles f;
  f.depth.resize(layers);
  f.bright.resize(layers);
  for (size_t i = 0; i < layers; ++i) {
    f.depth[i] = EvaluateCurve(an.fascia_depth[i], grid);
    f.bright[i] = EvaluateCurve(an.fascia_brightness[i], grid);
  }
  return f;
}

// The steps below run in RenderEchogenicity's order: later ones add to, scale or paint over
// what earlier ones wrote, and the phantom's bytes depend on that order (data/phantom_test.cc).

// Layers, column by column: skin, fat, then one muscle per fascia.
void PaintLayers(const Patient& patient, const Grid& grid, const FasciaProfiles& fasciae,
                 std::vector<float>* echo) {
  const int h = grid.height;
  const int w = grid.width;
  std::vector<float>& e = *echo;
  const size_t layers = fasciae.depth.size();
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
      prev = std::max(prev, fasciae.depth[i][x]);  // Keep layers ordered.
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
}

// Mottling: the texture grid, interpolated bilinearly, as a factor.
void ApplyMottling(const Anatomy& an, const Grid& grid, std::vector<float>* echo) {
  const int h = grid.height;
  const int w = grid.width;
  const int tc = an.texture_columns;
  const int tr = static_cast<int>(an.texture.size()) / tc;
  std::vector<int> col(w);
  std::vector<float> col_frac(w);
  for (int x = 0; x < w; ++x) {
    const double s =
        std::clamp((grid.L(x) + grid.half_width_mm()) / kTextureLateralMm, 0.0, tc - 1.000001);
    col[x] = static_cast<int>(s);
    col_frac[x] = static_cast<float>(s - col[x]);
  }
  for (int y = 0; y < h; ++y) {
    const double s = std::clamp(grid.Z(y) / kTextureAxialMm, 0.0, tr - 1.000001);
    const int r = static_cast<int>(s);
    const float fr = static_cast<float>(s - r);
    const float* t0 = an.texture.data() + static_cast<size_t>(r) * tc;
    const float* t1 = t0 + tc;
    float* row = echo->data() + static_cast<size_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      const int c = col[x];
      const float fc = col_frac[x];
      const float top = t0[c] + fc * (t0[c + 1] - t0[c]);
      const float bottom = t1[c] + fc * (t1[c + 1] - t1[c]);
      row[x] *= top + fr * (bottom - top);
    }
  }
}

void AddFasciaLines(const Anatomy& an, const Patient& patient, const Grid& grid,
                    const FasciaProfiles& fasciae, std::vector<float>* echo) {
  const int w = grid.width;
  std::vector<float>& e = *echo;
  const float fascia_amp = static_cast<float>(DbToAmplitude(patient.fascia_db));
  for (size_t i = 0; i < fasciae.depth.size(); ++i) {
    const double sigma = an.fascia_sigma_mm[i];
    for (int x = 0; x < w; ++x) {
      const double zc = fasciae.depth[i][x];
      const float amp = fascia_amp * std::max(0.0f, fasciae.bright[i][x]);
      const int y0 = grid.RowAtOrAbove(zc - kProfileSigmas * sigma);
      const int y1 = grid.RowAtOrBelow(zc + kProfileSigmas * sigma);
      for (int y = y0; y <= y1; ++y) {
        e[static_cast<size_t>(y) * w + x] += amp * Gauss((grid.Z(y) - zc) / sigma);
      }
    }
  }
}

void AddSepta(const std::vector<Segment>& septa, const Grid& grid, std::vector<float>* echo) {
  const int w = grid.width;
  std::vector<float>& e = *echo;
  for (const Segment& s : septa) {
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
}

// Bright specks, stamped: wider laterally, like everything the beam resolves.
void AddSpecks(const std::vector<Blob>& blobs, const Grid& grid, std::vector<float>* echo) {
  const int h = grid.height;
  const int w = grid.width;
  std::vector<float>& e = *echo;
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
  for (const Blob& b : blobs) {
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

// A vessel: anechoic lumen in a bright wall, posterior enhancement below arteries.
void PaintVessel(const Vessel& v, const Grid& grid, std::vector<float>* echo) {
  const int h = grid.height;
  const int w = grid.width;
  std::vector<float>& e = *echo;
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
      e[static_cast<size_t>(y) * w + x] =
          (1.0 - rho) * radius < v.wall_mm ? v.wall_amp : v.lumen_amp;
    }
  }
  if (v.enhancement <= 0) return;
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

// The nerve: bright sheath (brightest at top and bottom, where it is specular), moderately
// bright epineurium between dark fascicles. Marks the mask, when given, even where the nerve is
// not drawn.
void PaintNerve(const Nerve& n, bool visible, const Grid& grid, std::vector<float>* echo,
                Mask* mask) {
  const int w = grid.width;
  std::vector<float>& e = *echo;
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
      if (!visible) continue;
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
void PaintBone(const Bone& b, const Grid& grid, std::vector<float>* echo) {
  const int h = grid.height;
  const int w = grid.width;
  std::vector<float>& e = *echo;
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

}  // namespace

void RenderEchogenicity(const Anatomy& an, const Patient& patient, const Grid& grid,
                        std::vector<float>* echo, Mask* mask) {
  echo->assign(static_cast<size_t>(grid.height) * grid.width, 0.0f);
  const FasciaProfiles fasciae = EvaluateFasciae(an, grid);
  PaintLayers(patient, grid, fasciae, echo);
  ApplyMottling(an, grid, echo);
  AddFasciaLines(an, patient, grid, fasciae, echo);
  AddSepta(an.septa, grid, echo);
  AddSpecks(an.blobs, grid, echo);
  for (const Vessel& v : an.vessels) PaintVessel(v, grid, echo);
  if (an.nerve_visible || mask != nullptr) PaintNerve(an.nerve, an.nerve_visible, grid, echo, mask);
  if (an.has_bone) PaintBone(an.bone, grid, echo);
}

}  // namespace nerve_mtl::data::phantom_internal
