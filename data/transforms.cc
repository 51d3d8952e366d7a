#include "data/transforms.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace nerve_mtl::data {
namespace {

// One row or column pass of a normalised Gaussian, borders clamped.
void GaussianPass(const std::vector<double>& kernel, int n, int stride, int count, int step,
                  std::vector<double>* field) {
  const int radius = static_cast<int>(kernel.size() / 2);
  std::vector<double> line(n);
  for (int k = 0; k < count; ++k) {
    double* base = field->data() + static_cast<size_t>(k) * step;
    for (int i = 0; i < n; ++i) line[i] = base[static_cast<size_t>(i) * stride];
    for (int i = 0; i < n; ++i) {
      double sum = 0.0;
      for (int t = -radius; t <= radius; ++t) {
        sum += kernel[t + radius] * line[std::clamp(i + t, 0, n - 1)];
      }
      base[static_cast<size_t>(i) * stride] = sum;
    }
  }
}

void Smooth(double sigma, int height, int width, std::vector<double>* field) {
  const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
  std::vector<double> kernel(2 * radius + 1);
  double total = 0.0;
  for (int t = -radius; t <= radius; ++t) {
    total += kernel[t + radius] = std::exp(-0.5 * t * t / (sigma * sigma));
  }
  for (double& k : kernel) k /= total;
  GaussianPass(kernel, width, 1, height, width, field);   // along rows
  GaussianPass(kernel, height, width, width, 1, field);   // along columns
}

uint8_t RoundToByte(double v) {
  return static_cast<uint8_t>(std::clamp(std::floor(v + 0.5), 0.0, 255.0));
}

}  // namespace

void FlipHorizontal(Image* image, Mask* mask) {
  for (int c = 0; c < image->channels; ++c) {
    for (int y = 0; y < image->height; ++y) {
      uint8_t* row = &image->at(c, y, 0);
      std::reverse(row, row + image->width);
    }
  }
  for (int y = 0; y < mask->height; ++y) {
    uint8_t* row = &mask->at(y, 0);
    std::reverse(row, row + mask->width);
  }
}

void FlipVertical(Image* image, Mask* mask) {
  for (int c = 0; c < image->channels; ++c) {
    for (int y = 0; y < image->height / 2; ++y) {
      std::swap_ranges(&image->at(c, y, 0), &image->at(c, y, 0) + image->width,
                       &image->at(c, image->height - 1 - y, 0));
    }
  }
  for (int y = 0; y < mask->height / 2; ++y) {
    std::swap_ranges(&mask->at(y, 0), &mask->at(y, 0) + mask->width,
                     &mask->at(mask->height - 1 - y, 0));
  }
}

void ElasticDeform(double alpha, double sigma, Rng* rng, Image* image, Mask* mask) {
  const int h = image->height, w = image->width;
  const size_t n = static_cast<size_t>(h) * w;
  std::vector<double> dx(n), dy(n);
  for (size_t i = 0; i < n; ++i) {
    dx[i] = rng->Uniform(-1.0, 1.0);
    dy[i] = rng->Uniform(-1.0, 1.0);
  }
  Smooth(sigma, h, w, &dx);
  Smooth(sigma, h, w, &dy);
  double sum_sq = 0.0;
  for (size_t i = 0; i < n; ++i) sum_sq += dx[i] * dx[i] + dy[i] * dy[i];
  const double rms = std::sqrt(sum_sq / static_cast<double>(n));
  const double scale = rms > 0.0 ? alpha / rms : 0.0;

  Image out(image->channels, h, w);
  Mask out_mask(h, w);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      const double sx = std::clamp(x + scale * dx[i], 0.0, w - 1.0);
      const double sy = std::clamp(y + scale * dy[i], 0.0, h - 1.0);
      const int x0 = static_cast<int>(sx), y0 = static_cast<int>(sy);
      const int x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, h - 1);
      const double fx = sx - x0, fy = sy - y0;
      for (int c = 0; c < image->channels; ++c) {
        const double top = (1 - fx) * image->at(c, y0, x0) + fx * image->at(c, y0, x1);
        const double bottom = (1 - fx) * image->at(c, y1, x0) + fx * image->at(c, y1, x1);
        out.at(c, y, x) = RoundToByte((1 - fy) * top + fy * bottom);
      }
      if (mask->height == h && mask->width == w) {
        out_mask.at(y, x) = mask->at(static_cast<int>(std::lround(sy)),
                                     static_cast<int>(std::lround(sx)));
      }
    }
  }
  *image = std::move(out);
  if (mask->height == h && mask->width == w) *mask = std::move(out_mask);
}

absl::Status ValidateAugmentation(const Augmentation& spec) {
  for (const auto& [name, p] : {std::pair<const char*, double>{"hflip_probability",
                                                               spec.hflip_probability()},
                                {"vflip_probability", spec.vflip_probability()},
                                {"elastic_probability", spec.elastic_probability()}}) {
    if (!(p >= 0.0 && p <= 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("augmentation.", name, " must be in [0, 1], got ", p));
    }
  }
  if (!(spec.elastic_alpha() >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("augmentation.elastic_alpha must be >= 0, got ", spec.elastic_alpha()));
  }
  if (!(spec.elastic_sigma() > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("augmentation.elastic_sigma must be > 0, got ", spec.elastic_sigma()));
  }
  return absl::OkStatus();
}

void Augment(const Augmentation& spec, uint64_t seed, Image* image, Mask* mask) {
  Rng rng(seed);
  // Every draw happens whatever the outcome, so one probability never shifts another's stream.
  const bool hflip = rng.Bernoulli(spec.hflip_probability());
  const bool vflip = rng.Bernoulli(spec.vflip_probability());
  const bool elastic = rng.Bernoulli(spec.elastic_probability());
  Rng elastic_rng(rng.Next());
  if (hflip) FlipHorizontal(image, mask);
  if (vflip) FlipVertical(image, mask);
  if (elastic) ElasticDeform(spec.elastic_alpha(), spec.elastic_sigma(), &elastic_rng, image, mask);
}

absl::Status ValidateNormalization(const Normalization& spec) {
  if (spec.mode() == NORMALIZATION_FIXED && !(spec.std() > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("normalization.std must be > 0, got ", spec.std()));
  }
  return absl::OkStatus();
}

void Normalize(const Image& image, const Normalization& spec, float* out) {
  const size_t plane = static_cast<size_t>(image.height) * image.width;
  for (int c = 0; c < image.channels; ++c) {
    const uint8_t* in = image.pixels.data() + c * plane;
    float* o = out + c * plane;
    double scale = 1.0 / 255.0, shift = 0.0;  // out = in * scale + shift
    switch (spec.mode()) {
      case NORMALIZATION_FIXED:
        scale = 1.0 / (255.0 * spec.std());
        shift = -spec.mean() / spec.std();
        break;
      case NORMALIZATION_UNIT_RANGE:
        break;
      case NORMALIZATION_PER_IMAGE:
      case NORMALIZATION_MODE_UNSPECIFIED:
      default: {
        double sum = 0.0, sum_sq = 0.0;
        for (size_t i = 0; i < plane; ++i) {
          sum += in[i];
          sum_sq += static_cast<double>(in[i]) * in[i];
        }
        const double mean = sum / plane;
        const double var = std::max(0.0, sum_sq / plane - mean * mean);
        // A flat channel maps to zeros rather than dividing by zero.
        scale = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;
        shift = -mean * scale;
        break;
      }
    }
    for (size_t i = 0; i < plane; ++i) o[i] = static_cast<float>(in[i] * scale + shift);
  }
}

}  // namespace nerve_mtl::data
