#ifndef NERVE_MTL_DATA_MOSAIC_H_
#define NERVE_MTL_DATA_MOSAIC_H_

#include <string>
#include <vector>

#include "data/example.h"

namespace nerve_mtl::data {

// An RGB picture (channels = 3) of a data set for people to look at: one row per class with its
// name, up to `per_class` examples each (the first ones in data-set order, spread over patients),
// channel 0 in grey with the mask outlined in green. Small images are enlarged so each tile is at
// least 128 pixels wide.
Image RenderMosaic(const Dataset& dataset, int per_class);

// An RGB picture of one prediction: channel 0 in grey, the true mask outlined in green and the
// predicted mask in red (yellow where the outlines meet), enlarged like the mosaic's tiles.
Image RenderOverlay(const Image& image, const Mask& truth, const Mask& prediction);

// RGB panels (e.g. overlays) side by side, each under its caption (one line of text).
struct Panel {
  std::string caption;
  Image rgb;
};
Image RenderPanels(const std::vector<Panel>& panels);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_MOSAIC_H_
