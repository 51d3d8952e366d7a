#include "data/test_images.h"

#include <bitset>
#include <cstdint>
#include <utility>

#include "data/perceptual_hash.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

TEST(TestImagesTest, DistinctImagesAreFarApartForGrouping) {
  for (const auto& [block, step] : {std::pair{2, 4}, std::pair{4, 12}}) {
    const Image a = DistinctImage(1, block, step);
    EXPECT_EQ(a.height, 8 * block);
    EXPECT_EQ(a.width, 9 * block);
    EXPECT_EQ(DifferenceHash(a), DifferenceHash(DistinctImage(1, block, step)));
    for (uint64_t k = 2; k < 20; ++k) {
      const uint64_t other = DifferenceHash(DistinctImage(k, block, step));
      EXPECT_GT(std::bitset<64>(DifferenceHash(a) ^ other).count(), 4u) << k;
    }
  }
}

}  // namespace
}  // namespace nerve_mtl::data
