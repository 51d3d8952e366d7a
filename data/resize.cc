#include "data/resize.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {
namespace {

// One axis of a separable filter: output pixel i is
// sum(weight * source[index]) / denominator over taps[i]. Integer weights keep the result exact.
struct Tap {
  int index;
  int64_t weight;
};

struct AxisFilter {
  std::vector<std::vector<Tap>> taps;
  int64_t denominator = 1;
};

// Box filter for in > out. In units of 1 / (in * out) of the source length, output pixel i
// spans [i * in, (i + 1) * in) and source pixel j spans [j * out, (j + 1) * out); the weights are
// the integer overlaps and add up to `in`.
AxisFilter BoxFilter(int in, int out) {
  AxisFilter filter;
  filter.denominator = in;
  filter.taps.resize(out);
  for (int i = 0; i < out; ++i) {
    const int64_t begin = static_cast<int64_t>(i) * in;
    const int64_t end = begin + in;
    for (int64_t j = begin / out; j * out < end; ++j) {
      const int64_t overlap = std::min(end, (j + 1) * out) - std::max(begin, j * out);
      if (overlap > 0) filter.taps[i].push_back({static_cast<int>(j), overlap});
    }
  }
  return filter;
}

// Bilinear with half-pixel centres: the source coordinate (i + 0.5) * in / out - 0.5 equals
// ((2i + 1) * in - out) / (2 * out), so weights are integers over 2 * out.
AxisFilter LinearFilter(int in, int out) {
  AxisFilter filter;
  const int64_t denominator = 2 * static_cast<int64_t>(out);
  filter.denominator = denominator;
  filter.taps.resize(out);
  for (int i = 0; i < out; ++i) {
    const int64_t numerator = std::max<int64_t>(0, (2 * static_cast<int64_t>(i) + 1) * in - out);
    const int64_t left = numerator / denominator;
    const int64_t fraction = numerator % denominator;
    if (left >= in - 1) {
      filter.taps[i].push_back({in - 1, denominator});
      continue;
    }
    filter.taps[i].push_back({static_cast<int>(left), denominator - fraction});
    if (fraction > 0) filter.taps[i].push_back({static_cast<int>(left) + 1, fraction});
  }
  return filter;
}

AxisFilter MakeFilter(int in, int out, ResizeMethod method) {
  if (method == RESIZE_BILINEAR || out >= in) return LinearFilter(in, out);
  return BoxFilter(in, out);
}

}  // namespace

Image Resize(const Image& image, int height, int width, ResizeMethod method) {
  if (height <= 0 || width <= 0 || image.height <= 0 || image.width <= 0) {
    Image empty;
    empty.channels = image.channels;
    return empty;
  }
  if (height == image.height && width == image.width) return image;
  const AxisFilter rows = MakeFilter(image.height, height, method);
  const AxisFilter columns = MakeFilter(image.width, width, method);
  const int64_t denominator = rows.denominator * columns.denominator;
  Image result(image.channels, height, width);
  // Horizontal pass into exact integer sums, then the vertical pass, then one rounding.
  std::vector<int64_t> horizontal(static_cast<size_t>(image.height) * width);
  for (int c = 0; c < image.channels; ++c) {
    for (int y = 0; y < image.height; ++y) {
      for (int x = 0; x < width; ++x) {
        int64_t sum = 0;
        for (const Tap& tap : columns.taps[x]) sum += tap.weight * image.at(c, y, tap.index);
        horizontal[static_cast<size_t>(y) * width + x] = sum;
      }
    }
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        int64_t sum = 0;
        for (const Tap& tap : rows.taps[y]) {
          sum += tap.weight * horizontal[static_cast<size_t>(tap.index) * width + x];
        }
        // Round half up: floor(sum / denominator + 1/2).
        const int64_t value = (2 * sum + denominator) / (2 * denominator);
        result.at(c, y, x) = static_cast<uint8_t>(std::min<int64_t>(value, 255));
      }
    }
  }
  return result;
}

Mask ResizeMask(const Mask& mask, int height, int width) {
  if (height <= 0 || width <= 0 || mask.height <= 0 || mask.width <= 0) return Mask();
  if (height == mask.height && width == mask.width) return mask;
  auto source = [](int i, int in, int out) {
    const int64_t index =
        ((2 * static_cast<int64_t>(i) + 1) * in) / (2 * static_cast<int64_t>(out));
    return static_cast<int>(std::min<int64_t>(index, in - 1));
  };
  Mask result(height, width);
  for (int y = 0; y < height; ++y) {
    const int sy = source(y, mask.height, height);
    for (int x = 0; x < width; ++x) result.at(y, x) = mask.at(sy, source(x, mask.width, width));
  }
  return result;
}

}  // namespace nerve_mtl::data
