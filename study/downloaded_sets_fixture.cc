#include "study/downloaded_sets_fixture.h"

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "data/example.h"
#include "data/image_io.h"
#include "data/test_images.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

constexpr int kHeight = 32;
constexpr int kWidth = 36;

// A 32x36 picture that grouping tells from every other k (data/test_images.h).
data::Image Picture(uint64_t k) { return data::DistinctImage(k, /*block=*/4, /*step=*/12); }

data::Image Mask(bool lesion) {
  data::Image mask(1, kHeight, kWidth);
  if (!lesion) return mask;
  for (int y = 8; y < 20; ++y) {
    for (int x = 10; x < 26; ++x) mask.at(0, y, x) = 255;
  }
  return mask;
}

absl::Status MakeFolder(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat(dir.string(), ": ", error.message()));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteBusiFolder(const std::string& dir, int per_class) {
  const char* const kClasses[] = {"benign", "malignant", "normal"};
  for (int c = 0; c < 3; ++c) {
    const fs::path folder = fs::path(dir) / kClasses[c];
    if (absl::Status s = MakeFolder(folder); !s.ok()) return s;
    for (int n = 1; n <= per_class; ++n) {
      const std::string stem = (folder / absl::StrCat(kClasses[c], " (", n, ")")).string();
      if (absl::Status s = data::WritePng(stem + ".png", Picture(1000 * c + n)); !s.ok()) return s;
      if (absl::Status s = data::WritePng(stem + "_mask.png", Mask(c != 2)); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status WriteKaggleFolder(const std::string& dir, int subjects, int per_subject) {
  if (absl::Status s = MakeFolder(dir); !s.ok()) return s;
  for (int subject = 1; subject <= subjects; ++subject) {
    for (int n = 1; n <= per_subject; ++n) {
      const std::string stem = (fs::path(dir) / absl::StrCat(subject, "_", n)).string();
      if (absl::Status s = data::WriteTiff(stem + ".tif", Picture(100000 + 100 * subject + n));
          !s.ok()) {
        return s;
      }
      if (absl::Status s = data::WriteTiff(stem + "_mask.tif", Mask(n % 2 == 1)); !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status WriteDownloadedSets(const std::string& workspace) {
  if (absl::Status s = WriteBusiFolder((fs::path(workspace) / kBusiFolder).string(), 10);
      !s.ok()) {
    return s;
  }
  return WriteKaggleFolder((fs::path(workspace) / kKaggleFolder).string(), 10, 4);
}

}  // namespace nerve_mtl::study
