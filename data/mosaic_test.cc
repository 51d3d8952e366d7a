#include "data/mosaic.h"

#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

TEST(MosaicTest, OneRowPerClassWithOutlinedMasks) {
  Dataset d;
  d.class_names = {"median", "radial"};
  for (int i = 0; i < 5; ++i) {
    Example e;
    e.patient = "p" + std::to_string(i % 2);
    e.label = i % 2;
    e.image = Image(1, 32, 32);
    for (uint8_t& p : e.image.pixels) p = 100;
    e.mask = Mask(32, 32);
    for (int y = 8; y < 24; ++y) {
      for (int x = 8; x < 24; ++x) e.mask.at(y, x) = 1;
    }
    d.examples.push_back(e);
  }
  const Image rgb = RenderMosaic(d, 3);
  ASSERT_EQ(rgb.channels, 3);
  // 32-pixel images are enlarged 4x to 128-pixel tiles; 2 rows, 3 columns and a label margin.
  EXPECT_EQ(rgb.height, 4 + 2 * (128 + 4));
  EXPECT_EQ(rgb.width, 80 + 3 * (128 + 4));
  const int top = 4, left = 80;
  // Inside the first tile: grey image, green outline at the mask's edge, grey mask interior.
  EXPECT_EQ(rgb.at(0, top + 4, left + 4), 100);
  EXPECT_EQ(rgb.at(1, top + 4, left + 4), 100);
  EXPECT_EQ(rgb.at(1, top + 8 * 4, left + 16 * 4), 255);
  EXPECT_EQ(rgb.at(0, top + 8 * 4, left + 16 * 4), 40);
  EXPECT_EQ(rgb.at(1, top + 16 * 4, left + 16 * 4), 100);
  // Class 1 has only 2 examples: its third tile stays background.
  const int third = left + 2 * (128 + 4);
  EXPECT_EQ(rgb.at(0, top + 128 + 4 + 10, third + 10), 32);
  // The class name is written in the margin (some white pixels there).
  int white = 0;
  for (int y = 0; y < 128; ++y) {
    for (int x = 0; x < 80; ++x) white += rgb.at(0, top + y, x) == 255;
  }
  EXPECT_GT(white, 20);
}

TEST(MosaicTest, OverlayOutlinesTruthGreenAndPredictionRed) {
  Image image(1, 64, 64);
  for (uint8_t& p : image.pixels) p = 90;
  Mask truth(64, 64), prediction(64, 64);
  for (int y = 10; y < 20; ++y) {
    for (int x = 10; x < 20; ++x) truth.at(y, x) = 1;
  }
  for (int y = 30; y < 40; ++y) {
    for (int x = 30; x < 40; ++x) prediction.at(y, x) = 1;
  }
  const Image rgb = RenderOverlay(image, truth, prediction);
  ASSERT_EQ(rgb.width, 128);  // enlarged 2x
  EXPECT_EQ(rgb.at(1, 20, 30), 255);  // top edge of the truth square (row 10 -> 20)
  EXPECT_EQ(rgb.at(0, 20, 30), 40);
  EXPECT_EQ(rgb.at(0, 60, 70), 255);  // top edge of the prediction (row 30 -> 60)
  EXPECT_EQ(rgb.at(1, 60, 70), 40);
  EXPECT_EQ(rgb.at(0, 100, 100), 90);  // plain image
  EXPECT_EQ(rgb.at(0, 30, 30), 90);    // inside the truth, off its outline
}

TEST(MosaicTest, PanelsSideBySideUnderCaptions) {
  Image red(3, 10, 20), blue(3, 30, 10);
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 20; ++x) red.at(0, y, x) = 200;
  }
  for (int y = 0; y < 30; ++y) {
    for (int x = 0; x < 10; ++x) blue.at(2, y, x) = 210;
  }
  const Image out = RenderPanels({{"hard", red}, {"soft", blue}});
  EXPECT_EQ(out.width, 4 + 20 + 4 + 10 + 4);
  EXPECT_EQ(out.height, 4 + 16 + 30 + 4);
  EXPECT_EQ(out.at(0, 20, 4), 200);       // first panel's corner
  EXPECT_EQ(out.at(2, 20, 4 + 24), 210);  // second panel starts after the gap
  int white = 0;
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < out.width; ++x) white += out.at(1, y, x) == 255;
  }
  EXPECT_GT(white, 10) << "captions drawn";
}

}  // namespace
}  // namespace nerve_mtl::data
