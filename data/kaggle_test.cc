#include "data/kaggle.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/image_io.h"
#include "data/resize.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tiffio.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Kaggle's 580x420 at a tenth of the size keeps the test fast.
constexpr int kHeight = 42;
constexpr int kWidth = 58;

class KaggleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("TEST_TMPDIR");
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fs::path(root != nullptr ? root : "/tmp") / "kaggle_test" / info->name()).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    source_.set_directory(dir_);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // A distinct image per (subject, n) so that order and pixel values can be checked.
  static Image MakeImage(int subject, int n, int height = kHeight, int width = kWidth) {
    Image image(1, height, width);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        image.at(0, y, x) = static_cast<uint8_t>((subject * 31 + n * 7 + x + 2 * y) % 256);
      }
    }
    return image;
  }

  // Kaggle masks are 0 / 255. A nerve, when present, is a rectangle.
  static Image MakeMask(bool nerve, int height = kHeight, int width = kWidth) {
    Image mask(1, height, width);
    if (nerve) {
      for (int y = 10; y < 20; ++y) {
        for (int x = 20; x < 35; ++x) mask.at(0, y, x) = 255;
      }
    }
    return mask;
  }

  void WritePair(int subject, int n, bool nerve) {
    const std::string stem = absl::StrCat(subject, "_", n);
    ASSERT_TRUE(WriteTiff(Path(stem + ".tif"), MakeImage(subject, n)).ok());
    ASSERT_TRUE(WriteTiff(Path(stem + "_mask.tif"), MakeMask(nerve)).ok());
  }

  void WriteBytes(const std::string& name, const std::string& bytes) {
    std::ofstream out(Path(name), std::ios::binary);
    out << bytes;
  }

  absl::StatusOr<Dataset> Load(int height = kHeight, int width = kWidth,
                               ResizeMethod method = RESIZE_AREA) {
    return LoadKaggle(source_, height, width, 1, method);
  }

  // The error's message must be one line starting with `path`.
  void ExpectError(const std::string& path, const std::string& substring) {
    absl::StatusOr<Dataset> dataset = Load();
    ASSERT_FALSE(dataset.ok());
    const std::string message(dataset.status().message());
    EXPECT_THAT(message, StartsWith(path + ":"));
    EXPECT_THAT(message, HasSubstr(substring));
    EXPECT_THAT(message, Not(HasSubstr("\n")));
  }

  std::string dir_;
  KaggleSource source_;
};

std::vector<std::string> Ids(const Dataset& dataset) {
  std::vector<std::string> ids;
  for (const Example& example : dataset.examples) ids.push_back(example.id);
  return ids;
}

TEST_F(KaggleTest, LoadsPairsInNumericOrder) {
  WritePair(10, 1, true);
  WritePair(2, 11, false);
  WritePair(2, 2, true);
  WritePair(2, 1, false);
  WriteBytes("train_masks.csv", "not an image");
  WriteBytes("README", "ignored");
  absl::StatusOr<Dataset> dataset = Load();
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_THAT(dataset->class_names, ElementsAre("absent", "present"));
  EXPECT_THAT(Ids(*dataset), ElementsAre("2_1", "2_2", "2_11", "10_1"));
  std::vector<std::string> patients;
  std::vector<int> labels;
  for (const Example& example : dataset->examples) {
    patients.push_back(example.patient);
    labels.push_back(example.label);
  }
  EXPECT_THAT(patients, ElementsAre("2", "2", "2", "10"));
  EXPECT_THAT(labels, ElementsAre(0, 1, 0, 1));
}

TEST_F(KaggleTest, PixelsSurviveAtTheFileSize) {
  WritePair(3, 4, true);
  absl::StatusOr<Dataset> dataset = Load();
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  ASSERT_EQ(dataset->examples.size(), 1u);
  const Example& example = dataset->examples[0];
  EXPECT_EQ(example.image.channels, 1);
  EXPECT_EQ(example.image.height, kHeight);
  EXPECT_EQ(example.image.width, kWidth);
  EXPECT_EQ(example.image.pixels, MakeImage(3, 4).pixels);
  ASSERT_EQ(example.mask.height, kHeight);
  ASSERT_EQ(example.mask.width, kWidth);
  EXPECT_EQ(example.mask.at(15, 25), 1);
  EXPECT_EQ(example.mask.at(0, 0), 0);
  int nerve = 0;
  for (uint8_t p : example.mask.pixels) nerve += p;
  EXPECT_EQ(nerve, 10 * 15);
}

TEST_F(KaggleTest, ResizesImagesWithTheMethodAndMasksWithNearest) {
  WritePair(1, 1, true);
  for (ResizeMethod method : {RESIZE_AREA, RESIZE_BILINEAR}) {
    absl::StatusOr<Dataset> dataset = Load(16, 24, method);
    ASSERT_TRUE(dataset.ok()) << dataset.status();
    const Example& example = dataset->examples[0];
    EXPECT_EQ(example.image.pixels, Resize(MakeImage(1, 1), 16, 24, method).pixels);
    Mask original(kHeight, kWidth);
    const Image mask_image = MakeMask(true);
    for (size_t i = 0; i < original.pixels.size(); ++i) {
      original.pixels[i] = mask_image.pixels[i] != 0;
    }
    EXPECT_EQ(example.mask.pixels, ResizeMask(original, 16, 24).pixels);
    EXPECT_EQ(example.mask.height, 16);
    EXPECT_EQ(example.mask.width, 24);
  }
}

TEST_F(KaggleTest, MaxImagesKeepsTheFirstInOrder) {
  WritePair(2, 1, false);
  WritePair(1, 2, false);
  WritePair(1, 1, false);
  source_.set_max_images(2);
  absl::StatusOr<Dataset> dataset = Load();
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_THAT(Ids(*dataset), ElementsAre("1_1", "1_2"));
}

TEST_F(KaggleTest, ChannelsMustBeOne) {
  WritePair(1, 1, false);
  absl::StatusOr<Dataset> dataset = LoadKaggle(source_, kHeight, kWidth, 3, RESIZE_AREA);
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dataset.status().message()), HasSubstr("channels"));
}

TEST_F(KaggleTest, MissingDirectory) {
  source_.set_directory(Path("nowhere"));
  ExpectError(Path("nowhere"), "no such directory");
  EXPECT_EQ(Load().status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KaggleTest, DirectoryIsAFile) {
  WriteBytes("file", "x");
  source_.set_directory(Path("file"));
  ExpectError(Path("file"), "not a directory");
}

TEST_F(KaggleTest, EmptyDirectory) { ExpectError(dir_, "no Kaggle images"); }

TEST_F(KaggleTest, NoTifFiles) {
  WriteBytes("notes.txt", "x");
  ExpectError(dir_, "no Kaggle images");
}

TEST_F(KaggleTest, ImageWithoutMask) {
  WritePair(1, 1, false);
  ASSERT_TRUE(WriteTiff(Path("1_2.tif"), MakeImage(1, 2)).ok());
  ExpectError(Path("1_2.tif"), "no mask file 1_2_mask.tif");
}

TEST_F(KaggleTest, MaskWithoutImage) {
  WritePair(1, 1, false);
  ASSERT_TRUE(WriteTiff(Path("1_2_mask.tif"), MakeMask(false)).ok());
  ExpectError(Path("1_2_mask.tif"), "no image file 1_2.tif");
}

TEST_F(KaggleTest, MismatchBeyondMaxImagesIsStillAnError) {
  WritePair(1, 1, false);
  ASSERT_TRUE(WriteTiff(Path("9_9.tif"), MakeImage(9, 9)).ok());
  source_.set_max_images(1);
  ExpectError(Path("9_9.tif"), "no mask file");
}

TEST_F(KaggleTest, BadFileNames) {
  WritePair(1, 1, false);
  for (const std::string name : {"1_a.tif", "1_2_3.tif", "1_2_masks.tif", "x.tif", "_1.tif",
                                 "1-2.tif", "1_2_mask_mask.tif"}) {
    SCOPED_TRACE(name);
    WriteBytes(name, "x");
    ExpectError(Path(name), "not a Kaggle file name");
    fs::remove(Path(name));
  }
}

TEST_F(KaggleTest, CorruptImage) {
  WritePair(1, 1, false);
  WriteBytes("1_1.tif", "random bytes, certainly not a TIFF");
  ExpectError(Path("1_1.tif"), "not a readable TIFF");
}

TEST_F(KaggleTest, TruncatedMask) {
  WritePair(1, 1, true);
  fs::resize_file(Path("1_1_mask.tif"), 500);
  ExpectError(Path("1_1_mask.tif"), "");
}

TEST_F(KaggleTest, MaskSizeDiffers) {
  WritePair(1, 1, false);
  ASSERT_TRUE(WriteTiff(Path("1_1_mask.tif"), MakeMask(true, 80, 100)).ok());
  ExpectError(Path("1_1_mask.tif"), "mask is 100x80 but image is 58x42");
}

TEST_F(KaggleTest, MultiPageImage) {
  WritePair(1, 1, false);
  Image two(2, kHeight, kWidth);
  ASSERT_TRUE(WriteTiff(Path("1_1.tif"), two).ok());
  ExpectError(Path("1_1.tif"), "2 pages (channels), expected 1");
}

TEST_F(KaggleTest, MultiPageMask) {
  WritePair(1, 1, false);
  Image two(2, kHeight, kWidth);
  ASSERT_TRUE(WriteTiff(Path("1_1_mask.tif"), two).ok());
  ExpectError(Path("1_1_mask.tif"), "2 channels, expected 1");
}

TEST_F(KaggleTest, SixteenBitImage) {
  WritePair(1, 1, false);
  TIFF* tiff = TIFFOpen(Path("1_1.tif").c_str(), "w");
  ASSERT_NE(tiff, nullptr);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, kWidth);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, kHeight);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  std::vector<uint16_t> row(kWidth, 1000);
  for (int y = 0; y < kHeight; ++y) ASSERT_GE(TIFFWriteScanline(tiff, row.data(), y, 0), 0);
  TIFFClose(tiff);
  ExpectError(Path("1_1.tif"), "16 bits per sample, expected 8");
}

}  // namespace
}  // namespace nerve_mtl::data
