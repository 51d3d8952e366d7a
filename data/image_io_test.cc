#include "data/image_io.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "data/example.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tiffio.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A fresh directory per test, so tests never see each other's files.
std::string TestDir() {
  const char* root = std::getenv("TEST_TMPDIR");
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(root != nullptr ? root : "/tmp") / "image_io_test" / info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

Image Pattern(int channels, int height, int width) {
  Image image(channels, height, width);
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  }
  return image;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// A TIFF with arbitrary layout, for the files WriteTiff never writes.
struct RawTiff {
  uint32_t width = 6;
  uint32_t height = 4;
  uint16_t bits_per_sample = 8;
  uint16_t samples_per_pixel = 1;
  uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  bool tiled = false;
  // Page sizes after the first (each width, height).
  std::vector<std::pair<uint32_t, uint32_t>> more_pages;
};

void WriteRawTiff(const std::string& path, const RawTiff& spec) {
  TIFF* tiff = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tiff, nullptr);
  std::vector<std::pair<uint32_t, uint32_t>> pages = {{spec.width, spec.height}};
  pages.insert(pages.end(), spec.more_pages.begin(), spec.more_pages.end());
  for (const auto& [width, height] : pages) {
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, spec.bits_per_sample);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, spec.samples_per_pixel);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, spec.photometric);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    const size_t bytes_per_pixel = spec.samples_per_pixel * spec.bits_per_sample / 8;
    if (spec.tiled) {
      TIFFSetField(tiff, TIFFTAG_TILEWIDTH, 16);
      TIFFSetField(tiff, TIFFTAG_TILELENGTH, 16);
      std::vector<uint8_t> tile(16 * 16 * bytes_per_pixel);
      for (uint32_t y0 = 0; y0 < height; y0 += 16) {
        for (uint32_t x0 = 0; x0 < width; x0 += 16) {
          for (uint32_t y = 0; y < 16; ++y) {
            for (uint32_t x = 0; x < 16; ++x) tile[y * 16 + x] = (x0 + x + 3 * (y0 + y)) % 256;
          }
          ASSERT_GE(TIFFWriteTile(tiff, tile.data(), x0, y0, 0, 0), 0);
        }
      }
    } else {
      std::vector<uint8_t> row(width * bytes_per_pixel);
      for (uint32_t y = 0; y < height; ++y) {
        for (size_t x = 0; x < row.size(); ++x) row[x] = (x + 3 * y) % 256;
        ASSERT_GE(TIFFWriteScanline(tiff, row.data(), y, 0), 0);
      }
    }
    ASSERT_TRUE(TIFFWriteDirectory(tiff));
  }
  TIFFClose(tiff);
}

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string BigEndian32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string PngChunk(const std::string& type, const std::string& data) {
  return BigEndian32(static_cast<uint32_t>(data.size())) + type + data +
         BigEndian32(Crc32(type + data));
}

// A 2x1 16-bit gray PNG built by hand (stb_image_write only writes 8-bit), with one stored
// (uncompressed) deflate block.
std::string SixteenBitPng() {
  const std::string header =
      BigEndian32(2) + BigEndian32(1) + std::string("\x10\x00\x00\x00\x00", 5);
  const std::string raw("\x00\x12\x34\x56\x78", 5);  // filter byte, then two 16-bit pixels
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  const std::string zlib =
      std::string("\x78\x01\x01\x05\x00\xfa\xff", 7) + raw + BigEndian32((b << 16) | a);
  return std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", header) + PngChunk("IDAT", zlib) +
         PngChunk("IEND", "");
}

void ExpectOneLineStartingWith(const absl::Status& status, const std::string& path) {
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), StartsWith(path + ":"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("\n")));
}

TEST(TiffTest, RoundTripsOnePage) {
  const std::string path = TestDir() + "/one.tif";
  const Image image = Pattern(1, 42, 58);
  ASSERT_TRUE(WriteTiff(path, image).ok());
  absl::StatusOr<Image> read = ReadTiff(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->channels, 1);
  EXPECT_EQ(read->height, 42);
  EXPECT_EQ(read->width, 58);
  EXPECT_EQ(read->pixels, image.pixels);
}

TEST(TiffTest, MultiPageGivesOneChannelPerPage) {
  const std::string path = TestDir() + "/pages.tif";
  const Image image = Pattern(7, 5, 9);
  ASSERT_TRUE(WriteTiff(path, image).ok());
  absl::StatusOr<Image> read = ReadTiff(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->channels, 7);
  EXPECT_EQ(read->pixels, image.pixels);
}

TEST(TiffTest, ReadsTiledPages) {
  const std::string path = TestDir() + "/tiled.tif";
  RawTiff spec;
  spec.width = 40;
  spec.height = 20;
  spec.tiled = true;
  WriteRawTiff(path, spec);
  absl::StatusOr<Image> read = ReadTiff(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->width, 40);
  ASSERT_EQ(read->height, 20);
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 40; ++x) EXPECT_EQ(read->at(0, y, x), (x + 3 * y) % 256);
  }
}

TEST(TiffTest, InvertsMinIsWhite) {
  const std::string path = TestDir() + "/white.tif";
  RawTiff spec;
  spec.photometric = PHOTOMETRIC_MINISWHITE;
  WriteRawTiff(path, spec);
  absl::StatusOr<Image> read = ReadTiff(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->at(0, 0, 0), 255);
  EXPECT_EQ(read->at(0, 1, 2), 255 - 5);
}

TEST(TiffTest, RejectsSixteenBits) {
  const std::string path = TestDir() + "/deep.tif";
  RawTiff spec;
  spec.bits_per_sample = 16;
  WriteRawTiff(path, spec);
  absl::StatusOr<Image> read = ReadTiff(path);
  ExpectOneLineStartingWith(read.status(), path);
  EXPECT_EQ(read.status().message(), path + ": 16 bits per sample, expected 8");
}

TEST(TiffTest, RejectsRgb) {
  const std::string path = TestDir() + "/rgb.tif";
  RawTiff spec;
  spec.samples_per_pixel = 3;
  spec.photometric = PHOTOMETRIC_RGB;
  WriteRawTiff(path, spec);
  absl::StatusOr<Image> read = ReadTiff(path);
  ExpectOneLineStartingWith(read.status(), path);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("3 samples per pixel, expected 1"));
}

TEST(TiffTest, RejectsPagesOfDifferentSizes) {
  const std::string path = TestDir() + "/mixed.tif";
  RawTiff spec;
  spec.more_pages = {{6, 4}, {5, 4}};
  WriteRawTiff(path, spec);
  absl::StatusOr<Image> read = ReadTiff(path);
  ExpectOneLineStartingWith(read.status(), path);
  EXPECT_THAT(std::string(read.status().message()),
              HasSubstr("page 3: page is 5x4 but page 1 is 6x4"));
}

TEST(TiffTest, MissingFileIsNotFound) {
  const std::string path = TestDir() + "/missing.tif";
  absl::StatusOr<Image> read = ReadTiff(path);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  ExpectOneLineStartingWith(read.status(), path);
}

TEST(TiffTest, RandomBytesAreAnErrorAndPrintNothing) {
  const std::string path = TestDir() + "/noise.tif";
  WriteBytes(path, "this is not a TIFF file, only some random bytes");
  testing::internal::CaptureStderr();
  absl::StatusOr<Image> read = ReadTiff(path);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ExpectOneLineStartingWith(read.status(), path);
}

TEST(TiffTest, TruncatedFileIsAnErrorAndPrintsNothing) {
  const std::string path = TestDir() + "/cut.tif";
  ASSERT_TRUE(WriteTiff(path, Pattern(1, 42, 58)).ok());
  // Image data comes first in libtiff's output, so this cuts into the pixels and the directory.
  fs::resize_file(path, 1000);
  testing::internal::CaptureStderr();
  absl::StatusOr<Image> read = ReadTiff(path);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ExpectOneLineStartingWith(read.status(), path);
}

TEST(TiffTest, StripPastTheEndOfTheFileIsAnError) {
  const std::string path = TestDir() + "/short.tif";
  // A hand-built 10x10 TIFF whose directory is intact but whose one strip has only 30 of its
  // 100 bytes.
  std::string bytes("II*\0", 4);
  auto u16 = [&](uint16_t v) { bytes += {static_cast<char>(v), static_cast<char>(v >> 8)}; };
  auto u32 = [&](uint32_t v) {
    u16(static_cast<uint16_t>(v));
    u16(static_cast<uint16_t>(v >> 16));
  };
  auto entry = [&](uint16_t tag, uint32_t value) {
    u16(tag);
    u16(4);  // LONG
    u32(1);
    u32(value);
  };
  constexpr uint16_t kEntries = 9;
  constexpr uint32_t kPixels = 8 + 2 + kEntries * 12 + 4;
  u32(8);
  u16(kEntries);
  entry(256, 10);       // ImageWidth
  entry(257, 10);       // ImageLength
  entry(258, 8);        // BitsPerSample
  entry(259, 1);        // Compression: none
  entry(262, 1);        // Photometric: min is black
  entry(273, kPixels);  // StripOffsets
  entry(277, 1);        // SamplesPerPixel
  entry(278, 10);       // RowsPerStrip
  entry(279, 100);      // StripByteCounts
  u32(0);
  ASSERT_EQ(bytes.size(), kPixels);
  bytes += std::string(30, '\x40');
  WriteBytes(path, bytes);
  testing::internal::CaptureStderr();
  absl::StatusOr<Image> read = ReadTiff(path);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ExpectOneLineStartingWith(read.status(), path);
}

TEST(TiffTest, WriteRejectsBadImagesAndLeavesNoFile) {
  const std::string dir = TestDir();
  Image bad(1, 4, 4);
  // Fewer pixels than 1x4x4, in a fresh vector: g++ 14 at -O3 warns (-Warray-bounds, wrongly)
  // about the growing branch of a shrinking resize().
  bad.pixels = std::vector<uint8_t>(3);
  EXPECT_FALSE(WriteTiff(dir + "/bad.tif", bad).ok());
  EXPECT_FALSE(WriteTiff(dir + "/empty.tif", Image()).ok());
  EXPECT_FALSE(WriteTiff(dir + "/no/such/dir.tif", Pattern(1, 2, 2)).ok());
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(PngTest, RoundTripsGray) {
  const std::string path = TestDir() + "/gray.png";
  const Image image = Pattern(1, 13, 17);
  ASSERT_TRUE(WritePng(path, image).ok());
  absl::StatusOr<Image> read = ReadPng(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->channels, 1);
  EXPECT_EQ(read->height, 13);
  EXPECT_EQ(read->width, 17);
  EXPECT_EQ(read->pixels, image.pixels);
}

TEST(PngTest, RoundTripsRgbChannelsFirst) {
  const std::string path = TestDir() + "/rgb.png";
  Image image(3, 2, 3);
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 3; ++x) image.at(c, y, x) = static_cast<uint8_t>(100 * c + 10 * y + x);
    }
  }
  ASSERT_TRUE(WritePng(path, image).ok());
  absl::StatusOr<Image> read = ReadPng(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->channels, 3);
  EXPECT_EQ(read->pixels, image.pixels);
  EXPECT_EQ(read->at(2, 1, 2), 212);
}

TEST(PngTest, RejectsSixteenBits) {
  const std::string path = TestDir() + "/deep.png";
  WriteBytes(path, SixteenBitPng());
  absl::StatusOr<Image> read = ReadPng(path);
  ExpectOneLineStartingWith(read.status(), path);
  EXPECT_EQ(read.status().message(), path + ": 16 bits per sample, expected 8");
}

TEST(PngTest, RejectsNonPngAndMissingFiles) {
  const std::string dir = TestDir();
  WriteBytes(dir + "/noise.png", "not a png at all");
  ExpectOneLineStartingWith(ReadPng(dir + "/noise.png").status(), dir + "/noise.png");
  // A valid TIFF named .png is still not a PNG.
  ASSERT_TRUE(WriteTiff(dir + "/tiff.png", Pattern(1, 2, 2)).ok());
  ExpectOneLineStartingWith(ReadPng(dir + "/tiff.png").status(), dir + "/tiff.png");
  // A PNG cut short.
  ASSERT_TRUE(WritePng(dir + "/cut.png", Pattern(1, 30, 30)).ok());
  fs::resize_file(dir + "/cut.png", 60);
  ExpectOneLineStartingWith(ReadPng(dir + "/cut.png").status(), dir + "/cut.png");
  absl::StatusOr<Image> missing = ReadPng(dir + "/missing.png");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  ExpectOneLineStartingWith(missing.status(), dir + "/missing.png");
}

TEST(PngTest, WriteRejectsOtherChannelCountsAndLeavesNoFile) {
  const std::string dir = TestDir();
  const absl::Status status = WritePng(dir + "/two.png", Pattern(2, 3, 3));
  ExpectOneLineStartingWith(status, dir + "/two.png");
  EXPECT_FALSE(WritePng(dir + "/missing/dir.png", Pattern(1, 3, 3)).ok());
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(ReadImageTest, ChoosesTheReaderByExtension) {
  const std::string dir = TestDir();
  const Image image = Pattern(1, 3, 4);
  ASSERT_TRUE(WriteTiff(dir + "/a.TIFF", image).ok());
  ASSERT_TRUE(WritePng(dir + "/b.PNG", image).ok());
  absl::StatusOr<Image> tiff = ReadImage(dir + "/a.TIFF");
  ASSERT_TRUE(tiff.ok()) << tiff.status();
  EXPECT_EQ(tiff->pixels, image.pixels);
  absl::StatusOr<Image> png = ReadImage(dir + "/b.PNG");
  ASSERT_TRUE(png.ok()) << png.status();
  EXPECT_EQ(png->pixels, image.pixels);
  const absl::Status jpeg = ReadImage(dir + "/c.jpg").status();
  ExpectOneLineStartingWith(jpeg, dir + "/c.jpg");
  EXPECT_THAT(std::string(jpeg.message()), HasSubstr("'.jpg'"));
}

TEST(ReadMaskTest, NonzeroBecomesOne) {
  const std::string path = TestDir() + "/m_mask.tif";
  Image image(1, 2, 3);
  image.pixels = {0, 255, 1, 0, 128, 0};
  ASSERT_TRUE(WriteTiff(path, image).ok());
  absl::StatusOr<Mask> mask = ReadMask(path);
  ASSERT_TRUE(mask.ok()) << mask.status();
  EXPECT_EQ(mask->height, 2);
  EXPECT_EQ(mask->width, 3);
  EXPECT_EQ(mask->pixels, (std::vector<uint8_t>{0, 1, 1, 0, 1, 0}));
}

TEST(ReadMaskTest, RejectsSeveralChannels) {
  const std::string path = TestDir() + "/rgb_mask.png";
  ASSERT_TRUE(WritePng(path, Pattern(3, 2, 2)).ok());
  const absl::Status status = ReadMask(path).status();
  ExpectOneLineStartingWith(status, path);
  EXPECT_THAT(std::string(status.message()), HasSubstr("3 channels, expected 1"));
}

}  // namespace
}  // namespace nerve_mtl::data
