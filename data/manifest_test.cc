#include "data/manifest.h"

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

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int kHeight = 6;
constexpr int kWidth = 8;

// A distinct image per seed, so that channel order and pixel values can be checked.
Image MakeImage(int seed, int channels = 1, int height = kHeight, int width = kWidth) {
  Image image(channels, height, width);
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = static_cast<uint8_t>((seed * 53 + i * 5) % 256);
  }
  return image;
}

Image MakeMaskImage(int seed, int height = kHeight, int width = kWidth) {
  Image mask(1, height, width);
  for (size_t i = 0; i < mask.pixels.size(); ++i) {
    mask.pixels[i] = (i + seed) % 3 == 0 ? 255 : 0;
  }
  return mask;
}

class ManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("TEST_TMPDIR");
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fs::path(root != nullptr ? root : "/tmp") / "manifest_test" / info->name()).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void WriteText(const std::string& name, const std::string& text) {
    std::ofstream out(Path(name), std::ios::binary);
    out << text;
  }

  void Png(const std::string& name, const Image& image) {
    fs::create_directories(fs::path(Path(name)).parent_path());
    ASSERT_TRUE(WritePng(Path(name), image).ok());
  }

  void Tiff(const std::string& name, const Image& image) {
    fs::create_directories(fs::path(Path(name)).parent_path());
    ASSERT_TRUE(WriteTiff(Path(name), image).ok());
  }

  absl::StatusOr<Dataset> Load(const std::string& name, int channels,
                               std::vector<std::string> class_names = {}, int height = kHeight,
                               int width = kWidth) {
    ManifestSource source;
    source.set_path(Path(name));
    for (const std::string& class_name : class_names) source.add_class_names(class_name);
    return LoadManifest(source, height, width, channels, RESIZE_AREA);
  }

  // The error's message is one line that starts with `prefix` and contains `substring`.
  static void ExpectError(const absl::StatusOr<Dataset>& dataset, const std::string& prefix,
                          const std::string& substring) {
    ASSERT_FALSE(dataset.ok());
    const std::string message(dataset.status().message());
    EXPECT_THAT(message, StartsWith(prefix));
    EXPECT_THAT(message, HasSubstr(substring));
    EXPECT_THAT(message, Not(HasSubstr("\n")));
  }

  // Two 1-channel PNGs and a mask per stem, for a 2-channel CSV manifest.
  void WriteTwoChannelPngs(const std::string& stem, int seed) {
    Png(stem + "_ch0.png", MakeImage(seed));
    Png(stem + "_ch1.png", MakeImage(seed + 100));
    Png(stem + "_mask.png", MakeMaskImage(seed));
  }

  std::string dir_;
};

std::vector<std::string> Ids(const Dataset& dataset) {
  std::vector<std::string> ids;
  for (const Example& example : dataset.examples) ids.push_back(example.id);
  return ids;
}

std::vector<int> Labels(const Dataset& dataset) {
  std::vector<int> labels;
  for (const Example& example : dataset.examples) labels.push_back(example.label);
  return labels;
}

std::vector<std::string> Patients(const Dataset& dataset) {
  std::vector<std::string> patients;
  for (const Example& example : dataset.examples) patients.push_back(example.patient);
  return patients;
}

TEST_F(ManifestTest, CsvWithChannelFiles) {
  WriteTwoChannelPngs("p1/a", 1);
  WriteTwoChannelPngs("p1/b", 2);
  WriteTwoChannelPngs("p2/c", 3);
  WriteText("m.csv",
            "patient,image,mask,class\n"
            " p1 , p1/a_ch0.png ; p1/a_ch1.png , p1/a_mask.png , ulnar \n"
            "\n"
            "p1,p1/b_ch0.png;p1/b_ch1.png,p1/b_mask.png,median\r\n"
            "p2,p2/c_ch0.png;p2/c_ch1.png,p2/c_mask.png,radial\n");
  absl::StatusOr<Dataset> dataset = Load("m.csv", 2);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  // Sorted distinct classes; examples in manifest order.
  EXPECT_THAT(dataset->class_names, ElementsAre("median", "radial", "ulnar"));
  EXPECT_THAT(Labels(*dataset), ElementsAre(2, 0, 1));
  EXPECT_THAT(Ids(*dataset), ElementsAre("p1/a_ch0", "p1/b_ch0", "p2/c_ch0"));
  EXPECT_THAT(Patients(*dataset), ElementsAre("p1", "p1", "p2"));
  const Example& c = dataset->examples[2];
  ASSERT_EQ(c.image.channels, 2);
  ASSERT_EQ(c.image.height, kHeight);
  ASSERT_EQ(c.image.width, kWidth);
  std::vector<uint8_t> expected = MakeImage(3).pixels;
  const std::vector<uint8_t> second = MakeImage(103).pixels;
  expected.insert(expected.end(), second.begin(), second.end());
  EXPECT_EQ(c.image.pixels, expected);
  const Image mask = MakeMaskImage(3);
  ASSERT_EQ(c.mask.pixels.size(), mask.pixels.size());
  for (size_t i = 0; i < mask.pixels.size(); ++i) EXPECT_EQ(c.mask.pixels[i], mask.pixels[i] / 255);
}

TEST_F(ManifestTest, TextprotoWithMultiPageTiffAndResize) {
  Tiff("p1/x.tif", MakeImage(1, 3));
  Png("p1/x_mask.png", MakeMaskImage(1));
  Tiff("elsewhere/y.tif", MakeImage(2, 3));
  Tiff("elsewhere/y_mask.tif", MakeMaskImage(2));
  // Label order is the manifest's, not alphabetical; the second image path is absolute.
  WriteText("m.textproto",
            absl::StrCat("class_names: 'ulnar'\n"
                         "class_names: 'median'\n"
                         "class_names: 'radial'\n"
                         "entry { patient: 'p1' image: 'p1/x.tif' mask: 'p1/x_mask.png' "
                         "class_name: 'median' }\n"
                         "entry {\n"
                         "  patient: 'p2'\n"
                         "  image: '",
                         Path("elsewhere/y.tif"),
                         "'\n"
                         "  mask: 'elsewhere/y_mask.tif'\n"
                         "  class_name: 'ulnar'\n"
                         "}\n"));
  absl::StatusOr<Dataset> dataset = Load("m.textproto", 3, {}, 3, 4);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_THAT(dataset->class_names, ElementsAre("ulnar", "median", "radial"));
  EXPECT_THAT(Labels(*dataset), ElementsAre(1, 0));
  EXPECT_THAT(Ids(*dataset), ElementsAre("p1/x", "p2/y"));
  EXPECT_THAT(Patients(*dataset), ElementsAre("p1", "p2"));
  const Example& x = dataset->examples[0];
  EXPECT_EQ(x.image.channels, 3);
  EXPECT_EQ(x.image.pixels, Resize(MakeImage(1, 3), 3, 4, RESIZE_AREA).pixels);
  EXPECT_EQ(x.mask.height, 3);
  EXPECT_EQ(x.mask.width, 4);
}

TEST_F(ManifestTest, PbtxtAndSourceClassNamesOverride) {
  Png("a.png", MakeImage(1, 3));  // RGB: 3 channels from one file
  Png("a_mask.png", MakeMaskImage(1));
  WriteText("m.pbtxt",
            "class_names: 'median' class_names: 'radial' class_names: 'ulnar'\n"
            "entry { patient: 'p' image: 'a.png' mask: 'a_mask.png' class_name: 'radial' }\n");
  absl::StatusOr<Dataset> dataset = Load("m.pbtxt", 3, {"radial", "ulnar", "median"});
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_THAT(dataset->class_names, ElementsAre("radial", "ulnar", "median"));
  EXPECT_THAT(Labels(*dataset), ElementsAre(0));
  EXPECT_EQ(dataset->examples[0].image.pixels, MakeImage(1, 3).pixels);
}

TEST_F(ManifestTest, CsvUnknownClass) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.csv",
            "patient,image,mask,class\n"
            "p1,a_ch0.png,a_mask.png,median\n"
            "p2,a_ch1.png,a_mask.png,foo\n");
  const absl::StatusOr<Dataset> dataset = Load("m.csv", 1, {"median", "radial", "ulnar"});
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().message(),
            Path("m.csv") + ":3: unknown class 'foo' (known: median, radial, ulnar)");
}

TEST_F(ManifestTest, TextprotoUnknownClassNamesTheEntryAndLine) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.textproto",
            "entry { patient: 'p' image: 'a_ch0.png' mask: 'a_mask.png' class_name: 'median' }\n"
            "entry { patient: 'p' image: 'a_ch1.png' mask: 'a_mask.png' class_name: 'ulnar' }\n"
            "\n"
            "entry {\n"
            "  patient: 'q' image: 'a_ch0.png' mask: 'a_mask.png' class_name: 'foo'\n"
            "}\n");
  const absl::StatusOr<Dataset> dataset = Load("m.textproto", 1, {"median", "radial", "ulnar"});
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(
      dataset.status().message(),
      Path("m.textproto") + ":4: entry 3: unknown class 'foo' (known: median, radial, ulnar)");
}

TEST_F(ManifestTest, TextprotoClassOutsideItsOwnClassNames) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.textproto",
            "class_names: 'median'\n"
            "entry { patient: 'p' image: 'a_ch0.png' mask: 'a_mask.png' class_name: 'radial' }\n");
  ExpectError(Load("m.textproto", 1),
              Path("m.textproto") + ":2: entry 1: ", "unknown class 'radial' (known: median)");
}

TEST_F(ManifestTest, MissingImageFile) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.csv",
            "patient,image,mask,class\n"
            "p1,a_ch0.png;gone.png,a_mask.png,median\n");
  const absl::StatusOr<Dataset> dataset = Load("m.csv", 2);
  ExpectError(dataset, Path("m.csv") + ":2: " + Path("gone.png") + ": ", "no such file");
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ManifestTest, MissingMaskFile) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.csv", "patient,image,mask,class\np1,a_ch0.png,nomask.png,median\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: " + Path("nomask.png"), "no such file");
}

TEST_F(ManifestTest, CorruptImageFile) {
  WriteTwoChannelPngs("a", 1);
  WriteText("bad.tif", "not a tiff");
  WriteText("m.csv", "patient,image,mask,class\np1,bad.tif,a_mask.png,median\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: " + Path("bad.tif") + ": ",
              "not a readable TIFF");
}

TEST_F(ManifestTest, WrongChannelCount) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.csv",
            "patient,image,mask,class\n"
            "p1,a_ch0.png;a_ch1.png,a_mask.png,median\n");
  const absl::StatusOr<Dataset> dataset = Load("m.csv", 3);
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(
      dataset.status().message(),
      Path("m.csv") + ":2: image has 2 channels (a_ch0.png: 1, a_ch1.png: 1) but channels is 3");
}

TEST_F(ManifestTest, ChannelFilesOfDifferentSizes) {
  WriteTwoChannelPngs("a", 1);
  Png("small.png", MakeImage(5, 1, 3, 3));
  WriteText("m.csv", "patient,image,mask,class\np1,a_ch0.png;small.png,a_mask.png,median\n");
  ExpectError(Load("m.csv", 2), Path("m.csv") + ":2: ",
              Path("small.png") + " is 3x3 but " + Path("a_ch0.png") + " is 8x6");
}

TEST_F(ManifestTest, MaskSizeDiffers) {
  WriteTwoChannelPngs("a", 1);
  Png("big_mask.png", MakeMaskImage(1, 10, 12));
  WriteText("m.csv", "patient,image,mask,class\np1,a_ch0.png,big_mask.png,median\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: ",
              "mask " + Path("big_mask.png") + " is 12x10 but image is 8x6");
}

TEST_F(ManifestTest, BadCsvHeader) {
  WriteText("m.csv", "patient,image,class,mask\np1,a.png,median,a_mask.png\n");
  ExpectError(Load("m.csv", 1),
              Path("m.csv") + ":1: ", "header must be exactly 'patient,image,mask,class'");
}

TEST_F(ManifestTest, WrongCsvFieldCount) {
  WriteText("m.csv", "patient,image,mask,class\n\np1,a.png,a_mask.png\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":3: ", "3 fields, expected 4");
}

TEST_F(ManifestTest, EmptyCsvFields) {
  WriteText("m.csv", "patient,image,mask,class\np1,,a_mask.png,median\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: ", "no image");
  WriteText("m.csv", "patient,image,mask,class\np1,a.png;,a_mask.png,median\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: ", "empty image path");
  WriteText("m.csv", "patient,image,mask,class\n,a.png,a_mask.png,median\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: ", "no patient");
  WriteText("m.csv", "patient,image,mask,class\np,a.png,a_mask.png,\n");
  ExpectError(Load("m.csv", 1), Path("m.csv") + ":2: ", "no class");
}

TEST_F(ManifestTest, MalformedTextprotoReportsLineAndColumn) {
  WriteText("m.textproto",
            "class_names: 'a'\n"
            "entry {\n"
            "  patient 'p'\n"
            "}\n");
  ExpectError(Load("m.textproto", 1), Path("m.textproto") + ":3:", "");
  WriteText("m.textproto", "entry { patient: 'p' colour: 'red' }\n");
  ExpectError(Load("m.textproto", 1), Path("m.textproto") + ":1:", "colour");
}

TEST_F(ManifestTest, TextprotoEntryWithoutMask) {
  WriteText("m.textproto", "entry { patient: 'p' image: 'a.png' class_name: 'median' }\n");
  ExpectError(Load("m.textproto", 1), Path("m.textproto") + ":1: entry 1: ", "no mask");
}

TEST_F(ManifestTest, EmptyManifests) {
  WriteText("header_only.csv", "patient,image,mask,class\n\n");
  ExpectError(Load("header_only.csv", 1), Path("header_only.csv") + ": ", "no entries");
  WriteText("empty.csv", "");
  ExpectError(Load("empty.csv", 1), Path("empty.csv") + ": ", "no entries");
  WriteText("empty.textproto", "# nothing\n");
  ExpectError(Load("empty.textproto", 1), Path("empty.textproto") + ": ", "no entries");
  WriteText("names.pbtxt", "class_names: 'a'\n");
  ExpectError(Load("names.pbtxt", 1), Path("names.pbtxt") + ": ", "no entries");
}

TEST_F(ManifestTest, MissingManifestAndUnknownFormat) {
  const absl::StatusOr<Dataset> missing = Load("nothing.csv", 1);
  ExpectError(missing, Path("nothing.csv") + ": ", "no such file");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  WriteText("m.json", "{}");
  ExpectError(Load("m.json", 1), Path("m.json") + ": ", "unknown manifest format '.json'");
}

TEST_F(ManifestTest, DuplicateId) {
  WriteTwoChannelPngs("a", 1);
  fs::create_directories(Path("other"));
  fs::copy_file(Path("a_ch0.png"), Path("other/a_ch0.png"));
  WriteText("m.csv",
            "patient,image,mask,class\n"
            "p1,a_ch0.png,a_mask.png,median\n"
            "p1,other/a_ch0.png,a_mask.png,median\n");
  ExpectError(Load("m.csv", 1),
              Path("m.csv") + ":3: ", "duplicate id 'p1/a_ch0' (also at " + Path("m.csv") + ":2)");
}

TEST_F(ManifestTest, DuplicateClassNames) {
  WriteTwoChannelPngs("a", 1);
  WriteText("m.csv", "patient,image,mask,class\np1,a_ch0.png,a_mask.png,median\n");
  ExpectError(Load("m.csv", 1, {"median", "median"}), Path("m.csv") + ": ", "lists 'median' twice");
}

}  // namespace
}  // namespace nerve_mtl::data
