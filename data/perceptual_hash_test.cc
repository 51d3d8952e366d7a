#include "data/perceptual_hash.h"

#include <cstdint>

#include "data/example.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

// A 9x8 image is hashed as it is (the resize is a copy), so its bits can be worked out by hand.
Image Ramp9x8() {
  Image image(1, 8, 9);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 9; ++x) image.at(0, y, x) = static_cast<uint8_t>(10 * x + y);
  }
  return image;
}

TEST(DifferenceHashTest, BitsWorkedOutByHand) {
  // Every pixel is darker than its right neighbour: all 64 bits set.
  Image ramp = Ramp9x8();
  EXPECT_EQ(DifferenceHash(ramp), ~uint64_t{0});
  // Row 2 falling instead: bits 16..23 clear.
  for (int x = 0; x < 9; ++x) ramp.at(0, 2, x) = static_cast<uint8_t>(100 - 10 * x);
  EXPECT_EQ(DifferenceHash(ramp), ~uint64_t{0xff0000});
  // Equal neighbours are not "darker": pixel (0, 3) equal to (0, 4) clears bit 3 only.
  Image flat_step = Ramp9x8();
  flat_step.at(0, 0, 3) = flat_step.at(0, 0, 4);
  EXPECT_EQ(DifferenceHash(flat_step), ~uint64_t{0x8});
  EXPECT_EQ(DifferenceHash(Image(1, 8, 9)), 0u);
  EXPECT_EQ(DifferenceHash(Image()), 0u);
}

TEST(DifferenceHashTest, BlindToBrightnessAndScale) {
  Image ramp = Ramp9x8();
  ramp.at(0, 5, 5) = 0;  // some structure: (5, 4) -> (5, 5) now falls, clearing bit 44
  const uint64_t hash = DifferenceHash(ramp);
  EXPECT_EQ(hash, ~(uint64_t{1} << 44));
  Image brighter = ramp;
  for (uint8_t& p : brighter.pixels) p = static_cast<uint8_t>(p + 20);
  EXPECT_EQ(DifferenceHash(brighter), hash);
  // Each pixel as a 3x3 block: the area resize averages each block back to the pixel.
  Image big(1, 24, 27);
  for (int y = 0; y < 24; ++y) {
    for (int x = 0; x < 27; ++x) big.at(0, y, x) = ramp.at(0, y / 3, x / 3);
  }
  EXPECT_EQ(DifferenceHash(big), hash);
}

TEST(DifferenceHashTest, ChannelsAreAveraged) {
  // Channel 0 rises, channel 1 is flat at 200: the mean (10x + y + 200) / 2 still rises.
  Image two(2, 8, 9);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 9; ++x) {
      two.at(0, y, x) = static_cast<uint8_t>(10 * x + y);
      two.at(1, y, x) = 200;
    }
  }
  EXPECT_EQ(DifferenceHash(two), ~uint64_t{0});
}

TEST(HammingDistanceTest, CountsDifferingBits) {
  EXPECT_EQ(HammingDistance(0, 0), 0);
  EXPECT_EQ(HammingDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(HammingDistance(0xf0, 0x0f), 8);
  EXPECT_EQ(HammingDistance(uint64_t{1} << 63, 1), 2);
}

}  // namespace
}  // namespace nerve_mtl::data
