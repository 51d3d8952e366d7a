#include "data/transforms.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A 2x3 image with distinct pixels and a mask marking the top-left pixel.
void Small(Image* image, Mask* mask) {
  *image = Image(1, 2, 3);
  image->pixels = {1, 2, 3, 4, 5, 6};
  *mask = Mask(2, 3);
  mask->pixels = {1, 0, 0, 0, 0, 0};
}

TEST(TransformsTest, FlipsMoveImageAndMaskTogether) {
  Image image;
  Mask mask;
  Small(&image, &mask);
  FlipHorizontal(&image, &mask);
  EXPECT_THAT(image.pixels, ElementsAre(3, 2, 1, 6, 5, 4));
  EXPECT_THAT(mask.pixels, ElementsAre(0, 0, 1, 0, 0, 0));
  FlipVertical(&image, &mask);
  EXPECT_THAT(image.pixels, ElementsAre(6, 5, 4, 3, 2, 1));
  EXPECT_THAT(mask.pixels, ElementsAre(0, 0, 0, 0, 0, 1));
}

// A square mask on a gradient image: deformation keeps it roughly in place and roughly square.
void Square(Image* image, Mask* mask) {
  *image = Image(1, 64, 64);
  *mask = Mask(64, 64);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      image->at(0, y, x) = static_cast<uint8_t>(x * 4);
      mask->at(y, x) = (y >= 16 && y < 48 && x >= 16 && x < 48) ? 1 : 0;
    }
  }
}

TEST(TransformsTest, ElasticDeformationIsSeededAndKeepsMaskAligned) {
  Image a, b;
  Mask ma, mb;
  Square(&a, &ma);
  Square(&b, &mb);
  Rng ra(5), rb(5);
  ElasticDeform(3.0, 6.0, &ra, &a, &ma);
  ElasticDeform(3.0, 6.0, &rb, &b, &mb);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_EQ(ma.pixels, mb.pixels);

  Image orig;
  Mask orig_mask;
  Square(&orig, &orig_mask);
  EXPECT_NE(a.pixels, orig.pixels) << "a 3-pixel deformation must change the image";
  int area = 0, moved = 0;
  for (int i = 0; i < 64 * 64; ++i) {
    area += ma.pixels[i];
    moved += ma.pixels[i] != orig_mask.pixels[i];
    // The image is a horizontal ramp, so its value says where each mask pixel came from.
    if (ma.pixels[i]) {
      const int source_x = a.pixels[i] / 4;
      EXPECT_NEAR(source_x, i % 64, 12) << "mask and image moved differently at " << i;
    }
  }
  EXPECT_NEAR(area, 32 * 32, 32 * 32 * 0.15);
  EXPECT_GT(moved, 0);
  EXPECT_LT(moved, 32 * 32 / 2);
}

TEST(TransformsTest, AugmentDependsOnlyOnTheSeed) {
  Augmentation spec;
  spec.set_hflip_probability(0.5);
  spec.set_vflip_probability(0.5);
  spec.set_elastic_probability(0.5);
  int changed = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Image a, b, orig;
    Mask ma, mb, mo;
    Square(&a, &ma);
    Square(&b, &mb);
    Square(&orig, &mo);
    Augment(spec, seed, &a, &ma);
    Augment(spec, seed, &b, &mb);
    EXPECT_EQ(a.pixels, b.pixels);
    EXPECT_EQ(ma.pixels, mb.pixels);
    changed += a.pixels != orig.pixels;
  }
  // Each of 20 seeds leaves the image alone with probability 1/8.
  EXPECT_GT(changed, 10);
  EXPECT_LT(changed, 20);

  Augmentation none;
  Image a, orig;
  Mask ma, mo;
  Square(&a, &ma);
  Square(&orig, &mo);
  Augment(none, 3, &a, &ma);
  EXPECT_EQ(a.pixels, orig.pixels) << "default augmentation is off";
}

TEST(TransformsTest, NormalizationModes) {
  Image image(1, 1, 4);
  image.pixels = {0, 51, 102, 255};
  std::vector<float> out(4);
  Normalization unit;
  unit.set_mode(NORMALIZATION_UNIT_RANGE);
  Normalize(image, unit, out.data());
  EXPECT_THAT(out, ElementsAre(0.0f, 0.2f, 0.4f, 1.0f));

  Normalization fixed;
  fixed.set_mode(NORMALIZATION_FIXED);
  fixed.set_mean(0.2);
  fixed.set_std(0.5);
  Normalize(image, fixed, out.data());
  EXPECT_NEAR(out[0], -0.4, 1e-6);
  EXPECT_NEAR(out[3], 1.6, 1e-6);

  Normalize(image, Normalization(), out.data());  // per image by default
  double mean = 0, sq = 0;
  for (float v : out) mean += v / 4;
  for (float v : out) sq += (v - mean) * (v - mean) / 4;
  EXPECT_NEAR(mean, 0.0, 1e-6);
  EXPECT_NEAR(sq, 1.0, 1e-5);

  Image flat(1, 2, 2);
  flat.pixels = {7, 7, 7, 7};
  Normalize(flat, Normalization(), out.data());
  EXPECT_THAT(out, ElementsAre(0.0f, 0.0f, 0.0f, 0.0f));
}

TEST(TransformsTest, BadValuesNameTheField) {
  Augmentation spec;
  spec.set_elastic_probability(1.5);
  EXPECT_THAT(ValidateAugmentation(spec).message(),
              HasSubstr("augmentation.elastic_probability must be in [0, 1], got 1.5"));
  Augmentation sigma;
  sigma.set_elastic_sigma(0);
  EXPECT_THAT(ValidateAugmentation(sigma).message(), HasSubstr("augmentation.elastic_sigma"));
  EXPECT_TRUE(ValidateAugmentation(Augmentation()).ok());
  Normalization n;
  n.set_mode(NORMALIZATION_FIXED);
  n.set_std(0);
  EXPECT_THAT(ValidateNormalization(n).message(), HasSubstr("normalization.std must be > 0"));
}

}  // namespace
}  // namespace nerve_mtl::data
