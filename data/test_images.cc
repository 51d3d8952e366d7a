#include "data/test_images.h"

namespace nerve_mtl::data {

Image DistinctImage(uint64_t k, int block, int step) {
  uint64_t z = k * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  const uint64_t bits = z ^ (z >> 31);
  Image image(1, 8 * block, 9 * block);
  for (int y = 0; y < 8; ++y) {
    int value = 128;
    for (int x = 0; x < 9; ++x) {
      if (x > 0) value += (bits >> (8 * y + x - 1)) & 1 ? step : -step;
      for (int dy = 0; dy < block; ++dy) {
        for (int dx = 0; dx < block; ++dx) {
          image.at(0, block * y + dy, block * x + dx) = static_cast<uint8_t>(value);
        }
      }
    }
  }
  return image;
}

}  // namespace nerve_mtl::data
