#ifndef NERVE_MTL_DATA_KAGGLE_H_
#define NERVE_MTL_DATA_KAGGLE_H_

// The Kaggle "Ultrasound Nerve Segmentation" training set: <subject>_<n>.tif with
// <subject>_<n>_mask.tif in one directory, 580x420, 8-bit grayscale.

#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// Loads source.directory() into examples of height x width (image resized with `method`, mask
// with nearest neighbour). patient = subject, id = file stem, label 1 ("present") when the
// original mask has a nonzero pixel, else 0 ("absent"). Examples are sorted by subject, then n,
// both numerically; max_images > 0 keeps the first max_images of that order.
//
// Files not ending in .tif are ignored; a .tif named otherwise than <int>_<int>.tif or
// <int>_<int>_mask.tif is an error, as are an image without its mask and a mask without its
// image (the whole directory is checked, also beyond max_images). `channels` must be 1.
// Every error message starts with the offending file or directory path.
absl::StatusOr<Dataset> LoadKaggle(const KaggleSource& source, int height, int width, int channels,
                                   ResizeMethod method);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_KAGGLE_H_
