#include "losses/dice.h"

#include <ATen/ATen.h>

#include <cmath>

#include "gtest/gtest.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {
namespace {

// Two classes; class 0's logits are 0, so p1 = sigmoid(d) for class 1's logit d:
// d = (0, log 3, -log 3, 0) gives p1 = (0.5, 0.75, 0.25, 0.5).
at::Tensor TwoByTwoLogits() {
  const double d = std::log(3.0);
  return at::tensor({0.0, 0.0, 0.0, 0.0, 0.0, d, -d, 0.0}, at::kDouble).view({1, 2, 2, 2});
}

// Class 1 in the top-left pixel only.
at::Tensor TwoByTwoTarget() { return at::tensor({1, 0, 0, 0}, at::kLong).view({1, 2, 2}); }

TEST(DiceLossTest, ForegroundOnlyMatchesHandComputation) {
  // Class 1: sum(p t) = 0.5, sum(p) = 2, sum(t) = 1: Dice = (1 + 1) / (3 + 1) = 0.5.
  const DiceOptions options;
  EXPECT_NEAR(DiceLoss(TwoByTwoLogits(), TwoByTwoTarget(), options).item<double>(), 0.5, 1e-12);
}

TEST(DiceLossTest, IncludeBackgroundMatchesHandComputation) {
  // Class 0: p0 = (0.5, 0.25, 0.75, 0.5), t0 = (0, 1, 1, 1): (3 + 1) / (5 + 1) = 2/3.
  DiceOptions options;
  options.set_include_background(true);
  const at::Tensor scores = DiceScores(TwoByTwoLogits(), TwoByTwoTarget(), options);
  ASSERT_EQ(scores.size(0), 2);
  EXPECT_NEAR(scores[0].item<double>(), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(scores[1].item<double>(), 0.5, 1e-12);
  EXPECT_NEAR(DiceLoss(TwoByTwoLogits(), TwoByTwoTarget(), options).item<double>(),
              1.0 - (0.5 + 2.0 / 3.0) / 2.0, 1e-12);
}

TEST(DiceLossTest, SmoothZero) {
  DiceOptions options;
  options.set_smooth(0.0);
  // 2 * 0.5 / 3.
  EXPECT_NEAR(DiceLoss(TwoByTwoLogits(), TwoByTwoTarget(), options).item<double>(), 1.0 - 1.0 / 3.0,
              1e-12);
}

// nn-common-modules' DiceLoss: smooth 1e-4 in the denominator only, background included.
TEST(DiceLossTest, SmoothInTheDenominatorOnlyMatchesHandComputation) {
  DiceOptions options;
  options.set_smooth(1e-4);
  options.set_smooth_denominator_only(true);
  options.set_include_background(true);
  // Class 1: 2 * 0.5 / (2 + 1 + 1e-4) = 1 / 3.0001. Class 0: sum(p t) = 0.25 + 0.75 + 0.5 = 1.5,
  // sum(p) = 2, sum(t) = 3: 2 * 1.5 / (5 + 1e-4) = 3 / 5.0001.
  const at::Tensor scores = DiceScores(TwoByTwoLogits(), TwoByTwoTarget(), options);
  EXPECT_NEAR(scores[0].item<double>(), 3.0 / 5.0001, 1e-12);
  EXPECT_NEAR(scores[1].item<double>(), 1.0 / 3.0001, 1e-12);
  EXPECT_NEAR(DiceLoss(TwoByTwoLogits(), TwoByTwoTarget(), options).item<double>(),
              1.0 - (1.0 / 3.0001 + 3.0 / 5.0001) / 2.0, 1e-12);
  // With smooth 1: class 1 is 2 * 0.5 / 4 = 0.25 instead of (1 + 1) / 4 = 0.5.
  options.set_smooth(1.0);
  EXPECT_NEAR(DiceScores(TwoByTwoLogits(), TwoByTwoTarget(), options)[1].item<double>(), 0.25,
              1e-12);
}

// Where the two forms part most: a class absent from the target and (rightly) not predicted
// scores 0 without a smoothed numerator, not 1.
TEST(DiceLossTest, SmoothInTheDenominatorOnlyScoresAnAbsentClassZero) {
  const at::Tensor target = at::zeros({1, 2, 2}, at::kLong);
  // Logits +-40: p0 = 1 - 1.8e-35 (1 in double), p1 = 1.8e-35 on every pixel.
  const at::Tensor logits = at::cat(
      {at::full({1, 1, 2, 2}, 40.0, at::kDouble), at::full({1, 1, 2, 2}, -40.0, at::kDouble)}, 1);
  DiceOptions options;
  options.set_smooth(1e-4);
  options.set_smooth_denominator_only(true);
  options.set_include_background(true);
  // Class 0: 2 * 4 / (4 + 4 + 1e-4) = 8 / 8.0001. Class 1: 2 * 0 / (7e-35 + 0 + 1e-4) = 0.
  EXPECT_NEAR(DiceLoss(logits, target, options).item<double>(), 1.0 - (8.0 / 8.0001 + 0.0) / 2.0,
              1e-12);
  // Smoothed numerator: class 1 is (0 + 1e-4) / (7e-35 + 1e-4) = 1.
  options.set_smooth_denominator_only(false);
  EXPECT_NEAR(DiceLoss(logits, target, options).item<double>(), 1.0 - (8.0001 / 8.0001 + 1.0) / 2.0,
              1e-12);
}

TEST(DiceLossTest, PerImageAveragesImagesAndBatchPoolsThem) {
  // The second image has uniform probabilities and an empty mask: class 1 gives
  // sum(p t) = 0, sum(p) = 2, sum(t) = 0, Dice = 1/3.
  const at::Tensor logits = at::cat({TwoByTwoLogits(), at::zeros({1, 2, 2, 2}, at::kDouble)});
  const at::Tensor target = at::cat({TwoByTwoTarget(), at::zeros({1, 2, 2}, at::kLong)});
  DiceOptions options;
  options.set_per_image(true);
  EXPECT_NEAR(DiceLoss(logits, target, options).item<double>(), 1.0 - (0.5 + 1.0 / 3.0) / 2.0,
              1e-12);
  // Pooled: sum(p t) = 0.5, sum(p) = 4, sum(t) = 1: (1 + 1) / (5 + 1).
  options.set_per_image(false);
  EXPECT_NEAR(DiceLoss(logits, target, options).item<double>(), 1.0 - 1.0 / 3.0, 1e-12);
}

TEST(DiceLossTest, ConfidentCorrectPredictionHasNearZeroLoss) {
  const at::Tensor target = TwoByTwoTarget();
  const at::Tensor one_hot = at::one_hot(target, 2).permute({0, 3, 1, 2}).to(at::kDouble);
  DiceOptions options;
  options.set_include_background(true);
  EXPECT_NEAR(DiceLoss(40.0 * (2.0 * one_hot - 1.0), target, options).item<double>(), 0.0, 1e-9);
}

TEST(DiceLossTest, GradientMatchesFiniteDifferences) {
  const at::Tensor logits = TwoByTwoLogits().clone().requires_grad_(true);
  const DiceOptions options;
  DiceLoss(logits, TwoByTwoTarget(), options).backward();
  const at::Tensor gradient = logits.grad().flatten();
  const double h = 1e-6;
  for (int64_t i = 0; i < logits.numel(); ++i) {
    const at::Tensor plus = TwoByTwoLogits().flatten();
    const at::Tensor minus = TwoByTwoLogits().flatten();
    plus[i] += h;
    minus[i] -= h;
    const double numeric =
        (DiceLoss(plus.view({1, 2, 2, 2}), TwoByTwoTarget(), options).item<double>() -
         DiceLoss(minus.view({1, 2, 2, 2}), TwoByTwoTarget(), options).item<double>()) /
        (2 * h);
    EXPECT_NEAR(gradient[i].item<double>(), numeric, 1e-7) << "logit " << i;
  }
}

TEST(DiceLossTest, RejectsMismatchedShapesAndLoneBackground) {
  const DiceOptions options;
  EXPECT_THROW(DiceLoss(TwoByTwoLogits(), at::zeros({1, 3, 2}, at::kLong), options), c10::Error);
  EXPECT_THROW(DiceLoss(TwoByTwoLogits(), at::zeros({1, 2, 2}, at::kFloat), options), c10::Error);
  EXPECT_THROW(DiceLoss(at::zeros({1, 1, 2, 2}), at::zeros({1, 2, 2}, at::kLong), options),
               c10::Error);
}

TEST(DiceOptionsTest, NegativeSmoothIsNamed) {
  DiceOptions options;
  EXPECT_TRUE(ValidateDiceOptions(options).ok());
  options.set_smooth(-1.0);
  EXPECT_EQ(ValidateDiceOptions(options).message(), "loss.dice.smooth must be >= 0, got -1");
}

}  // namespace
}  // namespace nerve_mtl::losses
