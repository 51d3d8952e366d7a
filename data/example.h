#ifndef NERVE_MTL_DATA_EXAMPLE_H_
#define NERVE_MTL_DATA_EXAMPLE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace nerve_mtl::data {

// An 8-bit image, channels first, row-major: pixel (c, y, x) is at (c * height + y) * width + x.
struct Image {
  int channels = 0;
  int height = 0;
  int width = 0;
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int c, int h, int w)
      : channels(c), height(h), width(w), pixels(static_cast<size_t>(c) * h * w) {}
  uint8_t& at(int c, int y, int x) { return pixels[(static_cast<size_t>(c) * height + y) * width + x]; }
  uint8_t at(int c, int y, int x) const {
    return pixels[(static_cast<size_t>(c) * height + y) * width + x];
  }
};

// A binary segmentation mask, row-major: 0 background, 1 nerve.
struct Mask {
  int height = 0;
  int width = 0;
  std::vector<uint8_t> pixels;

  Mask() = default;
  Mask(int h, int w) : height(h), width(w), pixels(static_cast<size_t>(h) * w) {}
  uint8_t& at(int y, int x) { return pixels[static_cast<size_t>(y) * width + x]; }
  uint8_t at(int y, int x) const { return pixels[static_cast<size_t>(y) * width + x]; }
  bool empty() const {
    for (uint8_t p : pixels) {
      if (p != 0) return false;
    }
    return true;
  }
};

struct Example {
  std::string id;       // Stable name: the file stem, or "p03/0012" for the phantom.
  std::string patient;  // The split unit: no patient is ever in two parts of a split.
  int label = 0;        // Index into Dataset::class_names.
  Image image;
  Mask mask;
};

// Examples already at the size the models see, with the class names in label order.
struct Dataset {
  std::vector<std::string> class_names;
  std::vector<Example> examples;
};

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_EXAMPLE_H_
