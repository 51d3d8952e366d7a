#ifndef NERVE_MTL_STUDY_DOWNLOADED_SETS_FIXTURE_H_
#define NERVE_MTL_STUDY_DOWNLOADED_SETS_FIXTURE_H_

// Tiny stand-ins for the downloaded data sets, in their layouts, for the tests of the studies
// that read them (study/studies/busi*.textproto, kaggle*.textproto): those name
// "//datasets/...", which is under BUILD_WORKSPACE_DIRECTORY (data/load.h), so a test writes the
// stand-ins under a folder of its own and points that variable at it.

#include <string>

#include "absl/status/status.h"

namespace nerve_mtl::study {

// Where the studies look for each set, under the workspace root.
inline constexpr char kBusiFolder[] = "datasets/Dataset_BUSI_with_GT";
inline constexpr char kKaggleFolder[] = "datasets/ultrasound-nerve-segmentation/train";

// benign/, malignant/ and normal/ with `per_class` 32x36 PNGs each and their masks (a lesion in
// benign and malignant ones, none in normal ones). No two images are near-duplicates, so
// grouping joins nothing and every image is a patient.
absl::Status WriteBusiFolder(const std::string& dir, int per_class);

// "<subject>_<n>.tif" and "<subject>_<n>_mask.tif" for `subjects` subjects of `per_subject`
// 32x36 images, odd n with a nerve in the mask (class present), even n without (absent).
absl::Status WriteKaggleFolder(const std::string& dir, int subjects, int per_subject);

// Both, under `workspace` where the studies look (10 images a class; 10 subjects of 4 images):
// enough for 5 folds whose every part holds each class.
absl::Status WriteDownloadedSets(const std::string& workspace);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_DOWNLOADED_SETS_FIXTURE_H_
