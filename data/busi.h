#ifndef NERVE_MTL_DATA_BUSI_H_
#define NERVE_MTL_DATA_BUSI_H_

// The BUSI layout (Breast Ultrasound Images, Al-Dhabyani et al., Data in Brief 2020):
//   <directory>/benign/benign (1).png, benign (1)_mask.png, benign (1)_mask_1.png, ...
//   <directory>/malignant/..., <directory>/normal/...

#include <cstdint>

#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// The BT.601 luma of an 8-bit RGB pixel in exact integer arithmetic, rounded half up:
// (299 R + 587 G + 114 B + 500) / 1000. The weights sum to 1000, so a gray pixel (R = G = B)
// keeps its value exactly.
uint8_t Bt601Luma(uint8_t r, uint8_t g, uint8_t b);

// A 1-channel copy of a 1- or 3-channel image (3 channels: Bt601Luma per pixel).
Image ToGray(const Image& image);

// Loads source.directory() into examples of height x width: class names {"benign", "malignant",
// "normal"} from the folder, id and patient "<folder>/<stem>", image converted to one channel
// and resized with `method`, mask = union of "<stem>_mask.png" and every "<stem>_mask_<k>.png"
// (a pixel is lesion when any channel of any mask is > 0), resized nearest-neighbour. Examples
// are ordered by folder, then by stem in natural order ("benign (2)" before "benign (10)").
//
// Ignored: hidden names (starting with '.'), "Thumbs.db", "desktop.ini" and "__MACOSX" folders,
// at any level. Everything else is accounted for, and the first problem in that order is an
// InvalidArgument error whose message starts with the offending path: a missing class folder,
// an unknown folder or file, a file that is not .png, an image without "<stem>_mask.png", a
// mask without its image, an unreadable PNG (also 16-bit or with alpha), a mask of another
// size than its image. `channels` must be 1.
absl::StatusOr<Dataset> LoadBusi(const BusiSource& source, int height, int width, int channels,
                                 ResizeMethod method);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_BUSI_H_
