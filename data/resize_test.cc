#include "data/resize.h"

#include <cstdint>
#include <vector>

#include "data/data_spec.pb.h"
#include "data/example.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

using ::testing::Each;
using ::testing::ElementsAreArray;

Image FromRows(const std::vector<std::vector<int>>& rows) {
  Image image(1, static_cast<int>(rows.size()), static_cast<int>(rows[0].size()));
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) image.at(0, y, x) = static_cast<uint8_t>(rows[y][x]);
  }
  return image;
}

std::vector<uint8_t> Flat(const std::vector<std::vector<int>>& rows) {
  std::vector<uint8_t> flat;
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  return flat;
}

TEST(ResizeTest, AreaShrinkAveragesBlocksAndRoundsHalfUp) {
  const Image image = FromRows({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}});
  const Image resized = Resize(image, 2, 2, RESIZE_AREA);
  EXPECT_EQ(resized.channels, 1);
  EXPECT_EQ(resized.height, 2);
  EXPECT_EQ(resized.width, 2);
  // Block means 2.5, 4.5, 10.5, 12.5.
  EXPECT_THAT(resized.pixels, ElementsAreArray(Flat({{3, 5}, {11, 13}})));
}

TEST(ResizeTest, AreaShrinkWeighsPartlyCoveredPixels) {
  // 3 -> 2: output 0 covers source 0 fully and half of source 1 (weights 2/3, 1/3).
  const Image resized = Resize(FromRows({{0, 30, 90}}), 1, 2, RESIZE_AREA);
  EXPECT_THAT(resized.pixels, ElementsAreArray(Flat({{10, 70}})));
}

TEST(ResizeTest, AreaAndBilinearDifferWhenShrinkingByFour) {
  const Image image = FromRows({{0, 0, 100, 0, 0, 0, 0, 200}});
  // Area: means of 4 pixels. Bilinear: source coordinates 1.5 and 5.5.
  EXPECT_THAT(Resize(image, 1, 2, RESIZE_AREA).pixels, ElementsAreArray(Flat({{25, 50}})));
  EXPECT_THAT(Resize(image, 1, 2, RESIZE_BILINEAR).pixels, ElementsAreArray(Flat({{50, 0}})));
}

TEST(ResizeTest, BilinearEnlargeUsesHalfPixelCentres) {
  const Image image = FromRows({{0, 100}, {200, 40}});
  // Source coordinates -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1) on each axis;
  // row 1 is 0.75 * row 0 + 0.25 * row 3 = [50, 58.75, 76.25, 85].
  const std::vector<uint8_t> expected =
      Flat({{0, 25, 75, 100}, {50, 59, 76, 85}, {150, 126, 79, 55}, {200, 160, 80, 40}});
  EXPECT_THAT(Resize(image, 4, 4, RESIZE_BILINEAR).pixels, ElementsAreArray(expected));
  // Area is bilinear when enlarging.
  EXPECT_THAT(Resize(image, 4, 4, RESIZE_AREA).pixels, ElementsAreArray(expected));
}

TEST(ResizeTest, BilinearShrinkByTwoAveragesPairs) {
  const Image image = FromRows({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}});
  EXPECT_THAT(Resize(image, 2, 2, RESIZE_BILINEAR).pixels,
              ElementsAreArray(Flat({{3, 5}, {11, 13}})));
}

TEST(ResizeTest, AreaChoosesTheFilterPerAxis) {
  // Rows shrink 4 -> 2 (box), columns grow 2 -> 4 (bilinear).
  const Image image = FromRows({{0, 100}, {0, 100}, {100, 0}, {100, 0}});
  EXPECT_THAT(Resize(image, 2, 4, RESIZE_AREA).pixels,
              ElementsAreArray(Flat({{0, 25, 75, 100}, {100, 75, 25, 0}})));
}

TEST(ResizeTest, EqualSizeIsIdentity) {
  Image image(2, 3, 5);
  for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<uint8_t>(i * 7);
  for (ResizeMethod method : {RESIZE_AREA, RESIZE_BILINEAR, RESIZE_METHOD_UNSPECIFIED}) {
    const Image resized = Resize(image, 3, 5, method);
    EXPECT_EQ(resized.channels, 2);
    EXPECT_EQ(resized.pixels, image.pixels);
  }
}

TEST(ResizeTest, ChannelsAreResizedIndependently) {
  Image image(2, 2, 2);
  image.pixels = {0, 0, 0, 0, 10, 20, 30, 40};
  const Image resized = Resize(image, 1, 1, RESIZE_AREA);
  ASSERT_EQ(resized.channels, 2);
  EXPECT_THAT(resized.pixels, ElementsAreArray(std::vector<uint8_t>{0, 25}));
}

TEST(ResizeTest, ConstantImagesStayConstant) {
  Image image(1, 420, 580);
  std::fill(image.pixels.begin(), image.pixels.end(), 77);
  for (ResizeMethod method : {RESIZE_AREA, RESIZE_BILINEAR}) {
    EXPECT_THAT(Resize(image, 128, 128, method).pixels, Each(77));
    EXPECT_THAT(Resize(image, 1000, 37, method).pixels, Each(77));
  }
  std::fill(image.pixels.begin(), image.pixels.end(), 255);
  EXPECT_THAT(Resize(image, 97, 131, RESIZE_AREA).pixels, Each(255));
}

TEST(ResizeTest, NonPositiveSizeGivesAnEmptyImage) {
  const Image resized = Resize(FromRows({{1, 2}}), 0, 3, RESIZE_AREA);
  EXPECT_EQ(resized.channels, 1);
  EXPECT_EQ(resized.height, 0);
  EXPECT_TRUE(resized.pixels.empty());
}

TEST(ResizeMaskTest, NearestEnlargeRepeatsPixels) {
  Mask mask(2, 2);
  mask.pixels = {1, 0, 0, 1};
  const Mask resized = ResizeMask(mask, 4, 4);
  EXPECT_THAT(resized.pixels,
              ElementsAreArray(Flat({{1, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}, {0, 0, 1, 1}})));
}

TEST(ResizeMaskTest, NearestShrinkSamplesHalfPixelCentres) {
  // 4 -> 2 samples source 1 and 3; 3 -> 2 samples source 0 and 2.
  Mask mask(4, 3);
  mask.pixels = Flat({{0, 0, 0}, {1, 0, 0}, {0, 0, 0}, {0, 0, 1}});
  const Mask resized = ResizeMask(mask, 2, 2);
  EXPECT_THAT(resized.pixels, ElementsAreArray(Flat({{1, 0}, {0, 1}})));
}

TEST(ResizeMaskTest, EqualSizeIsIdentity) {
  Mask mask(2, 3);
  mask.pixels = {0, 1, 1, 0, 0, 1};
  EXPECT_EQ(ResizeMask(mask, 2, 3).pixels, mask.pixels);
}

}  // namespace
}  // namespace nerve_mtl::data
