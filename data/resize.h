#ifndef NERVE_MTL_DATA_RESIZE_H_
#define NERVE_MTL_DATA_RESIZE_H_

// Resizing loaded images to the size the models see. All arithmetic is exact integer
// arithmetic, so results are byte-identical on every machine and compiler.

#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// Resizes every channel to height x width. Each axis is resampled on its own (the filters are
// separable):
//   RESIZE_AREA: on an axis that shrinks, an exact box filter: each output pixel is the average
//     of the source pixels it covers, weighted by the covered fraction (as OpenCV's INTER_AREA);
//     on an axis that grows, bilinear as below. RESIZE_METHOD_UNSPECIFIED means RESIZE_AREA.
//   RESIZE_BILINEAR: bilinear with half-pixel centres (align_corners = false; source
//     coordinate (i + 0.5) * in / out - 0.5, clamped at the borders).
// The result is the exact weighted average rounded half up to uint8. Equal sizes give a copy. A
// non-positive size or an empty source gives an empty (0 x 0) image with the same channel count.
Image Resize(const Image& image, int height, int width, ResizeMethod method);

// Nearest neighbour with half-pixel centres: output (y, x) takes source
// (floor((y + 0.5) * in_h / out_h), floor((x + 0.5) * in_w / out_w)). A non-positive size or an
// empty source gives an empty mask.
Mask ResizeMask(const Mask& mask, int height, int width);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_RESIZE_H_
