#include "losses/segmentation_loss.h"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {
namespace {

using ::testing::HasSubstr;

// Two classes on a 2x2 image; class 0's logits are 0, class 1's d = (0, log 3, -log 3, 0), so
// p1 = (0.5, 0.75, 0.25, 0.5). Target: class 1 in the top-left pixel only.
at::Tensor Logits() {
  const double d = std::log(3.0);
  return at::tensor({0.0, 0.0, 0.0, 0.0, 0.0, d, -d, 0.0}, at::kDouble).view({1, 2, 2, 2});
}
at::Tensor Target() { return at::tensor({1, 0, 0, 0}, at::kLong).view({1, 2, 2}); }

// Pixel cross-entropies: -log 0.5 (class 1, p1 0.5), -log 0.25 (class 0, p0 0.25),
// -log 0.75, -log 0.5.
const double kPixelCe[4] = {std::log(2.0), std::log(4.0), std::log(4.0 / 3.0), std::log(2.0)};

TEST(SegmentationLossTest, DiceByDefault) {
  // The default Dice (smooth 1, foreground only): (2 * 0.5 + 1) / (2 + 1 + 1) = 0.5.
  const LossSpec spec;
  EXPECT_EQ(spec.segmentation_loss(), DICE);
  EXPECT_NEAR(SegmentationLoss(Logits(), Target(), spec).item<double>(), 0.5, 1e-12);
}

TEST(SegmentationLossTest, CrossEntropyPlusDice) {
  LossSpec spec;
  spec.set_segmentation_loss(CROSS_ENTROPY_PLUS_DICE);
  const double ce = (kPixelCe[0] + kPixelCe[1] + kPixelCe[2] + kPixelCe[3]) / 4;
  EXPECT_NEAR(SegmentationLoss(Logits(), Target(), spec).item<double>(), ce + 0.5, 1e-12);
}

// QuickNAT's loss as its code trains: nn-common-modules' Dice (smooth 1e-4 in the denominator,
// background included) plus the cross-entropy weighted with estimate_weights_mfb's weights.
// Weights by hand for the target (1 0 / 0 0): counts 3 and 1, median 2, class weights
// floor(2/3) = 0 and floor(2/1) = 2; the label changes along row 0 and down column 0, so
// pixels (0,0), (0,1), (1,0) are edges (+2): w = (4, 2, 2, 0).
TEST(SegmentationLossTest, QuickNatsCombinedLoss) {
  LossSpec spec;
  spec.set_segmentation_loss(CROSS_ENTROPY_PLUS_DICE);
  spec.mutable_cross_entropy()->set_quicknat_pixel_weights(true);
  spec.mutable_dice()->set_smooth(1e-4);
  spec.mutable_dice()->set_smooth_denominator_only(true);
  spec.mutable_dice()->set_include_background(true);
  ASSERT_TRUE(ValidateSegmentationLoss(spec).ok()) << ValidateSegmentationLoss(spec);
  const double weighted_ce =
      (4 * kPixelCe[0] + 2 * kPixelCe[1] + 2 * kPixelCe[2] + 0 * kPixelCe[3]) / 4;
  // Dice: class 1 2 * 0.5 / (2 + 1 + 1e-4); class 0 2 * 1.5 / (2 + 3 + 1e-4).
  const double dice = 1.0 - (1.0 / 3.0001 + 3.0 / 5.0001) / 2.0;
  EXPECT_NEAR(SegmentationLoss(Logits(), Target(), spec).item<double>(), weighted_ce + dice, 1e-6);
}

TEST(SegmentationLossTest, ValidationNamesTheField) {
  LossSpec spec;
  EXPECT_TRUE(ValidateSegmentationLoss(spec).ok());
  spec.set_segmentation_loss(SEGMENTATION_LOSS_UNSPECIFIED);
  EXPECT_THAT(std::string(ValidateSegmentationLoss(spec).message()),
              HasSubstr("loss.segmentation_loss must be DICE or CROSS_ENTROPY_PLUS_DICE"));
  EXPECT_THROW(SegmentationLoss(Logits(), Target(), spec), c10::Error);

  spec = LossSpec();
  spec.mutable_cross_entropy()->set_quicknat_pixel_weights(true);
  EXPECT_THAT(std::string(ValidateSegmentationLoss(spec).message()),
              HasSubstr("loss.cross_entropy.quicknat_pixel_weights"));

  spec = LossSpec();
  spec.mutable_dice()->set_smooth(-1);
  EXPECT_THAT(std::string(ValidateSegmentationLoss(spec).message()), HasSubstr("loss.dice.smooth"));

  spec = LossSpec();
  spec.mutable_cross_entropy()->set_boundary_weight(-1);
  EXPECT_THAT(std::string(ValidateSegmentationLoss(spec).message()),
              HasSubstr("loss.cross_entropy.boundary_weight"));
}

}  // namespace
}  // namespace nerve_mtl::losses
