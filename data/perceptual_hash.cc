#include "data/perceptual_hash.h"

#include <cstdint>

#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/resize.h"

namespace nerve_mtl::data {

uint64_t DifferenceHash(const Image& image) {
  if (image.channels <= 0 || image.height <= 0 || image.width <= 0) return 0;
  Image gray(1, image.height, image.width);
  const size_t plane = gray.pixels.size();
  const unsigned channels = static_cast<unsigned>(image.channels);
  for (size_t i = 0; i < plane; ++i) {
    unsigned sum = 0;
    for (unsigned c = 0; c < channels; ++c) sum += image.pixels[c * plane + i];
    gray.pixels[i] = static_cast<uint8_t>((sum + channels / 2) / channels);
  }
  const Image small = Resize(gray, 8, 9, RESIZE_AREA);
  uint64_t hash = 0;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      if (small.at(0, y, x) < small.at(0, y, x + 1)) hash |= uint64_t{1} << (8 * y + x);
    }
  }
  return hash;
}

}  // namespace nerve_mtl::data
