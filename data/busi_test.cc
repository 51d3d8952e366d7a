#include "data/busi.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/image_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Bt601LumaTest, MatchesTheWeightsComputedByHand) {
  // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 59.8 + 58.7 + 5.7 = 124.2 -> 124.
  EXPECT_EQ(Bt601Luma(200, 100, 50), 124);
  // 0.587 * 4 + 0.114 * 168 = 2.348 + 19.152 = 21.5 exactly: half rounds up.
  EXPECT_EQ(Bt601Luma(0, 4, 168), 22);
  // Pure channels: 0.299 * 255 = 76.245, 0.587 * 255 = 149.685, 0.114 * 255 = 29.07.
  EXPECT_EQ(Bt601Luma(255, 0, 0), 76);
  EXPECT_EQ(Bt601Luma(0, 255, 0), 150);
  EXPECT_EQ(Bt601Luma(0, 0, 255), 29);
}

TEST(Bt601LumaTest, GrayPixelsKeepTheirValue) {
  for (int v = 0; v < 256; ++v) {
    const auto u = static_cast<uint8_t>(v);
    EXPECT_EQ(Bt601Luma(u, u, u), v);
  }
}

// A test-written BUSI folder; sizes are the spec size unless given, so Resize is a copy and
// pixel values can be checked exactly.
class BusiTest : public ::testing::Test {
 protected:
  static constexpr int kSize = 16;

  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    for (const char* c : {"benign", "malignant", "normal"}) fs::create_directories(root_ / c);
  }

  std::string Path(const std::string& relative) const { return (root_ / relative).string(); }

  // A 1-channel image whose pixel (y, x) is `seed + y * kSize + x` (mod 256).
  static Image Gray(int seed, int h = kSize, int w = kSize) {
    Image image(1, h, w);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) image.at(0, y, x) = static_cast<uint8_t>(seed + y * w + x);
    }
    return image;
  }

  // A mask image with one lesion pixel at (y, x), stored with `value` in every channel.
  static Image MaskAt(int y, int x, int channels = 1, uint8_t value = 255) {
    Image image(channels, kSize, kSize);
    for (int c = 0; c < channels; ++c) image.at(c, y, x) = value;
    return image;
  }

  void Write(const std::string& relative, const Image& image) {
    ASSERT_TRUE(WritePng(Path(relative), image).ok()) << relative;
  }

  void WriteText(const std::string& relative, const std::string& text) {
    std::ofstream(Path(relative), std::ios::binary) << text;
  }

  // One valid pair per class.
  void WriteMinimal() {
    Write("benign/benign (1).png", Gray(0));
    Write("benign/benign (1)_mask.png", MaskAt(1, 1));
    Write("malignant/malignant (1).png", Gray(50));
    Write("malignant/malignant (1)_mask.png", MaskAt(2, 2));
    Write("normal/normal (1).png", Gray(100));
    Write("normal/normal (1)_mask.png", Image(1, kSize, kSize));
  }

  absl::StatusOr<Dataset> Load(int size = kSize) const {
    BusiSource source;
    source.set_directory(root_.string());
    return LoadBusi(source, size, size, 1, RESIZE_AREA);
  }

  // Expects an InvalidArgument error whose message starts with `relative`'s path.
  void ExpectBad(const std::string& relative, const std::string& problem) const {
    absl::StatusOr<Dataset> data = Load();
    ASSERT_FALSE(data.ok()) << "expected an error naming " << relative;
    EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument) << data.status();
    EXPECT_THAT(std::string(data.status().message()), StartsWith(Path(relative) + ": "));
    EXPECT_THAT(data.status().message(), HasSubstr(problem));
    EXPECT_EQ(data.status().message().find('\n'), std::string::npos);
  }

  fs::path root_;
};

TEST_F(BusiTest, ClassesFromFoldersInNaturalOrder) {
  WriteMinimal();
  Write("benign/benign (10).png", Gray(3));
  Write("benign/benign (10)_mask.png", MaskAt(0, 0));
  Write("benign/benign (2).png", Gray(7));
  Write("benign/benign (2)_mask.png", MaskAt(0, 0));
  absl::StatusOr<Dataset> data = Load();
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_THAT(data->class_names, ElementsAre("benign", "malignant", "normal"));
  std::vector<std::string> ids;
  std::vector<int> labels;
  for (const Example& e : data->examples) {
    ids.push_back(e.id);
    labels.push_back(e.label);
    EXPECT_EQ(e.patient, e.id);  // no patient ids in BUSI
  }
  EXPECT_THAT(ids, ElementsAre("benign/benign (1)", "benign/benign (2)", "benign/benign (10)",
                               "malignant/malignant (1)", "normal/normal (1)"));
  EXPECT_THAT(labels, ElementsAre(0, 0, 0, 1, 2));
  EXPECT_EQ(data->examples[1].image.at(0, 0, 0), 7);
  EXPECT_EQ(data->examples[1].image.at(0, 1, 2), 7 + kSize + 2);
  EXPECT_TRUE(data->examples[4].mask.empty());
}

TEST_F(BusiTest, LesionMaskIsTheUnionOfAllMasks) {
  WriteMinimal();
  Write("benign/benign (1)_mask_1.png", MaskAt(5, 6));
  Write("benign/benign (1)_mask_2.png", MaskAt(9, 3, 3, 1));  // RGB, smallest nonzero value
  absl::StatusOr<Dataset> data = Load();
  ASSERT_TRUE(data.ok()) << data.status();
  const Mask& mask = data->examples[0].mask;
  int lesion = 0;
  for (uint8_t p : mask.pixels) lesion += p;
  EXPECT_EQ(lesion, 3);
  EXPECT_EQ(mask.at(1, 1), 1);
  EXPECT_EQ(mask.at(5, 6), 1);
  EXPECT_EQ(mask.at(9, 3), 1);
}

TEST_F(BusiTest, ThreeChannelImagesBecomeOneChannel) {
  WriteMinimal();
  Image gray_rgb(3, kSize, kSize);
  Image colored(3, kSize, kSize);
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < kSize; ++y) {
      for (int x = 0; x < kSize; ++x) gray_rgb.at(c, y, x) = static_cast<uint8_t>(10 * y + x);
    }
  }
  colored.at(0, 4, 4) = 200;
  colored.at(1, 4, 4) = 100;
  colored.at(2, 4, 4) = 50;
  colored.at(1, 0, 0) = 4;
  colored.at(2, 0, 0) = 168;
  Write("malignant/malignant (2).png", gray_rgb);
  Write("malignant/malignant (2)_mask.png", MaskAt(0, 0));
  Write("normal/normal (2).png", colored);
  Write("normal/normal (2)_mask.png", Image(1, kSize, kSize));
  absl::StatusOr<Dataset> data = Load();
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->examples.size(), 5u);
  const Image& kept = data->examples[2].image;  // malignant (2)
  ASSERT_EQ(data->examples[2].id, "malignant/malignant (2)");
  EXPECT_EQ(kept.channels, 1);
  EXPECT_EQ(kept.at(0, 7, 3), 73);
  const Image& luma = data->examples[4].image;  // normal (2)
  ASSERT_EQ(data->examples[4].id, "normal/normal (2)");
  EXPECT_EQ(luma.channels, 1);
  EXPECT_EQ(luma.at(0, 4, 4), 124);  // 59.8 + 58.7 + 5.7 = 124.2
  EXPECT_EQ(luma.at(0, 0, 0), 22);   // 2.348 + 19.152 = 21.5, half up
  EXPECT_EQ(luma.at(0, 1, 1), 0);
}

TEST_F(BusiTest, ImagesOfAnySizeAreResizedToTheSpec) {
  WriteMinimal();
  Write("benign/benign (3).png", Gray(0, 24, 40));
  Image mask(1, 24, 40);
  for (int y = 0; y < 24; ++y) {
    for (int x = 0; x < 20; ++x) mask.at(0, y, x) = 255;  // left half
  }
  Write("benign/benign (3)_mask.png", mask);
  absl::StatusOr<Dataset> data = Load(8);
  ASSERT_TRUE(data.ok()) << data.status();
  const Example& e = data->examples[1];
  ASSERT_EQ(e.id, "benign/benign (3)");
  EXPECT_EQ(e.image.height, 8);
  EXPECT_EQ(e.image.width, 8);
  EXPECT_EQ(e.mask.at(3, 3), 1);
  EXPECT_EQ(e.mask.at(3, 4), 0);
}

TEST_F(BusiTest, HiddenFilesAreIgnored) {
  WriteMinimal();
  WriteText(".DS_Store", "x");
  WriteText("benign/.DS_Store", "x");
  WriteText("malignant/Thumbs.db", "x");
  WriteText("normal/desktop.ini", "x");
  fs::create_directories(root_ / "__MACOSX" / "benign");
  absl::StatusOr<Dataset> data = Load();
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->examples.size(), 3u);
}

TEST_F(BusiTest, DuplicatesAcrossFoldersLoadUnderBothClasses) {
  WriteMinimal();
  // The audit's finding: one picture filed as benign and as malignant. The loader keeps both;
  // near-duplicate grouping (data/near_duplicates.h) reports and resolves the conflict.
  Write("malignant/malignant (2).png", Gray(0));
  Write("malignant/malignant (2)_mask.png", MaskAt(1, 1));
  absl::StatusOr<Dataset> data = Load();
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->examples.size(), 4u);
  EXPECT_EQ(data->examples[0].image.pixels, data->examples[2].image.pixels);
  EXPECT_EQ(data->examples[0].label, 0);
  EXPECT_EQ(data->examples[2].label, 1);
  EXPECT_NE(data->examples[0].patient, data->examples[2].patient);
}

TEST_F(BusiTest, ImageWithoutMask) {
  WriteMinimal();
  Write("benign/benign (2).png", Gray(1));
  ExpectBad("benign/benign (2).png", "image without its mask benign (2)_mask.png");
}

TEST_F(BusiTest, ImageWithOnlyAnExtraMask) {
  WriteMinimal();
  Write("benign/benign (2).png", Gray(1));
  Write("benign/benign (2)_mask_1.png", MaskAt(0, 0));
  ExpectBad("benign/benign (2).png", "image without its mask");
}

TEST_F(BusiTest, MaskWithoutImage) {
  WriteMinimal();
  Write("malignant/malignant (7)_mask.png", MaskAt(0, 0));
  ExpectBad("malignant/malignant (7)_mask.png", "mask without its image malignant (7).png");
}

TEST_F(BusiTest, UnknownFolderAtTheTop) {
  WriteMinimal();
  fs::create_directories(root_ / "other");
  ExpectBad("other", "unknown folder");
}

TEST_F(BusiTest, UnknownFolderInsideAClass) {
  WriteMinimal();
  fs::create_directories(root_ / "normal" / "extra");
  ExpectBad("normal/extra", "unknown folder");
}

TEST_F(BusiTest, UnknownFile) {
  WriteMinimal();
  WriteText("benign/notes.txt", "x");
  ExpectBad("benign/notes.txt", "unknown file");
  fs::remove(root_ / "benign/notes.txt");
  WriteText("README", "x");
  ExpectBad("README", "unknown file");
}

TEST_F(BusiTest, MissingClassFolder) {
  WriteMinimal();
  fs::remove_all(root_ / "normal");
  ExpectBad("normal", "no such folder");
}

TEST_F(BusiTest, UnreadablePng) {
  WriteMinimal();
  WriteText("malignant/malignant (2).png", "not a png at all");
  Write("malignant/malignant (2)_mask.png", MaskAt(0, 0));
  ExpectBad("malignant/malignant (2).png", "not a PNG");
}

TEST_F(BusiTest, TruncatedMask) {
  WriteMinimal();
  Write("malignant/malignant (2).png", Gray(1));
  WriteText("malignant/malignant (2)_mask.png", std::string("\x89PNG\r\n\x1a\n", 8) + "junk");
  ExpectBad("malignant/malignant (2)_mask.png", "cannot decode PNG");
}

TEST_F(BusiTest, MaskOfAnotherSize) {
  WriteMinimal();
  Write("benign/benign (1)_mask_1.png", Image(1, kSize, kSize + 1));
  ExpectBad("benign/benign (1)_mask_1.png", "mask is 17x16 but image is 16x16");
}

TEST_F(BusiTest, TwoNamesForOneFile) {
  WriteMinimal();
  Write("benign/benign (1)_mask_01.png", MaskAt(0, 0));
  Write("benign/benign (1)_mask_1.png", MaskAt(0, 0));
  ExpectBad("benign/benign (1)_mask_1.png", "same file as");
}

TEST_F(BusiTest, MissingDirectoryAndBadArguments) {
  BusiSource source;
  source.set_directory(Path("nowhere"));
  absl::StatusOr<Dataset> data = LoadBusi(source, kSize, kSize, 1, RESIZE_AREA);
  EXPECT_EQ(data.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(data.status().message()),
              StartsWith(Path("nowhere") + ": no such directory"));
  source.set_directory(root_.string());
  WriteMinimal();
  EXPECT_THAT(std::string(LoadBusi(source, kSize, kSize, 3, RESIZE_AREA).status().message()),
              StartsWith(root_.string() + ": channels is 3"));
}

TEST_F(BusiTest, EmptyClassFolders) {
  absl::StatusOr<Dataset> data = Load();
  EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(data.status().message()),
              StartsWith(root_.string() + ": no BUSI images"));
}

}  // namespace
}  // namespace nerve_mtl::data
