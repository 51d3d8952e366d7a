#include "data/mosaic.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

// Debian's stb_easy_font is header-only with static functions we do not all use.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "stb/stb_easy_font.h"
#pragma GCC diagnostic pop

namespace nerve_mtl::data {
namespace {

constexpr int kGap = 4;
constexpr int kLabelWidth = 80;
constexpr int kMinTile = 128;

void Fill(Image* rgb, int y, int x, uint8_t r, uint8_t g, uint8_t b) {
  if (y < 0 || x < 0 || y >= rgb->height || x >= rgb->width) return;
  rgb->at(0, y, x) = r;
  rgb->at(1, y, x) = g;
  rgb->at(2, y, x) = b;
}

// Draws text with stb_easy_font's quads, each font unit `scale` pixels.
void DrawText(const std::string& text, int top, int left, int scale, Image* rgb) {
  std::vector<char> buffer(text.size() * 300 + 64);
  std::string copy = text;
  unsigned char white[4] = {255, 255, 255, 255};
  const int quads = stb_easy_font_print(0, 0, copy.data(), white, buffer.data(),
                                        static_cast<int>(buffer.size()));
  // Each vertex: x, y, z floats and 4 colour bytes; 4 vertices a quad.
  struct Vertex {
    float x, y, z;
    unsigned char color[4];
  };
  const Vertex* v = reinterpret_cast<const Vertex*>(buffer.data());
  for (int q = 0; q < quads; ++q) {
    const Vertex* quad = v + 4 * q;
    const int x0 = static_cast<int>(quad[0].x * scale), y0 = static_cast<int>(quad[0].y * scale);
    const int x1 = static_cast<int>(quad[2].x * scale), y1 = static_cast<int>(quad[2].y * scale);
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) Fill(rgb, top + y, left + x, 255, 255, 255);
    }
  }
}

// True where (y, x) of a `zoom`-times enlarged mask is inside it and next to its outside.
bool OnOutline(const Mask& mask, int zoom, int y, int x) {
  if (!mask.at(y / zoom, x / zoom)) return false;
  for (const auto& [dy, dx] : {std::pair{-1, 0}, {1, 0}, {0, -1}, {0, 1}}) {
    const int ny = y + dy, nx = x + dx;
    if (ny < 0 || nx < 0 || ny / zoom >= mask.height || nx / zoom >= mask.width ||
        !mask.at(ny / zoom, nx / zoom)) {
      return true;
    }
  }
  return false;
}

int Zoom(int width) { return std::max(1, (kMinTile + width - 1) / width); }

}  // namespace

Image RenderOverlay(const Image& image, const Mask& truth, const Mask& prediction) {
  const int zoom = Zoom(image.width);
  Image rgb(3, image.height * zoom, image.width * zoom);
  for (int y = 0; y < rgb.height; ++y) {
    for (int x = 0; x < rgb.width; ++x) {
      const uint8_t g = image.at(0, y / zoom, x / zoom);
      const bool t = OnOutline(truth, zoom, y, x), p = OnOutline(prediction, zoom, y, x);
      if (t || p) {
        Fill(&rgb, y, x, p ? 255 : 40, t ? 255 : 40, 40);
      } else {
        Fill(&rgb, y, x, g, g, g);
      }
    }
  }
  return rgb;
}

Image RenderPanels(const std::vector<Panel>& panels) {
  constexpr int kCaption = 16;
  int height = 0, width = kGap;
  for (const Panel& p : panels) {
    height = std::max(height, p.rgb.height);
    width += p.rgb.width + kGap;
  }
  Image out(3, kGap + kCaption + height + kGap, width);
  std::fill(out.pixels.begin(), out.pixels.end(), 32);
  int left = kGap;
  for (const Panel& p : panels) {
    DrawText(p.caption, kGap + 2, left, 1, &out);
    for (int c = 0; c < 3; ++c) {
      for (int y = 0; y < p.rgb.height; ++y) {
        for (int x = 0; x < p.rgb.width; ++x) {
          out.at(c, kGap + kCaption + y, left + x) = p.rgb.at(std::min(c, p.rgb.channels - 1), y, x);
        }
      }
    }
    left += p.rgb.width + kGap;
  }
  return out;
}

Image RenderMosaic(const Dataset& dataset, int per_class) {
  per_class = std::max(1, per_class);
  const int classes = static_cast<int>(dataset.class_names.size());
  // Round-robin over patients within each class, so a row shows several patients.
  std::vector<std::vector<const Example*>> rows(classes);
  {
    std::vector<std::map<std::string, std::vector<const Example*>>> by_patient(classes);
    for (const Example& e : dataset.examples) {
      if (e.label >= 0 && e.label < classes) by_patient[e.label][e.patient].push_back(&e);
    }
    for (int c = 0; c < classes; ++c) {
      for (size_t round = 0; static_cast<int>(rows[c].size()) < per_class; ++round) {
        bool any = false;
        for (const auto& [patient, list] : by_patient[c]) {
          if (round < list.size() && static_cast<int>(rows[c].size()) < per_class) {
            rows[c].push_back(list[round]);
            any = true;
          }
        }
        if (!any) break;
      }
    }
  }
  const int h = dataset.examples.empty() ? kMinTile : dataset.examples[0].image.height;
  const int w = dataset.examples.empty() ? kMinTile : dataset.examples[0].image.width;
  const int zoom = Zoom(w);
  const int tile_h = h * zoom, tile_w = w * zoom;
  Image rgb(3, kGap + classes * (tile_h + kGap), kLabelWidth + per_class * (tile_w + kGap));
  std::fill(rgb.pixels.begin(), rgb.pixels.end(), 32);

  for (int c = 0; c < classes; ++c) {
    const int top = kGap + c * (tile_h + kGap);
    DrawText(dataset.class_names[c], top + tile_h / 2 - 6, 6, 2, &rgb);
    for (size_t k = 0; k < rows[c].size(); ++k) {
      const Example& e = *rows[c][k];
      const int left = kLabelWidth + static_cast<int>(k) * (tile_w + kGap);
      for (int y = 0; y < tile_h; ++y) {
        for (int x = 0; x < tile_w; ++x) {
          const int sy = y / zoom, sx = x / zoom;
          const uint8_t g = e.image.at(0, sy, sx);
          if (OnOutline(e.mask, zoom, y, x)) {
            Fill(&rgb, top + y, left + x, 40, 255, 80);
          } else {
            Fill(&rgb, top + y, left + x, g, g, g);
          }
        }
      }
    }
  }
  return rgb;
}

}  // namespace nerve_mtl::data
