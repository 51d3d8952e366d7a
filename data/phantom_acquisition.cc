#include "data/phantom_acquisition.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "data/phantom_math.h"
#include "data/random.h"

namespace nerve_mtl::data::phantom_internal {
namespace {

// Sigma of a one-pixel box, in pixels: the blur of integrating over a pixel.
constexpr double kPixelSigma = 0.3;

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

}  // namespace

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

}  // namespace nerve_mtl::data::phantom_internal
