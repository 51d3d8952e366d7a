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
