#include "losses/cross_entropy.h"

#include <ATen/ATen.h>

#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {
namespace {

// Row 0: logits (0, 0), label 0: -log(1/2). Row 1: logits (log 3, 0), label 1: -log(1/4).
at::Tensor Logits() { return at::tensor({0.0, 0.0, std::log(3.0), 0.0}, at::kDouble).view({2, 2}); }
at::Tensor Labels() { return at::tensor({0, 1}, at::kLong); }

TEST(ClassificationCrossEntropyTest, UnweightedIsTheMean) {
  const CrossEntropyOptions options;
  EXPECT_NEAR(ClassificationCrossEntropy(Logits(), Labels(), options).item<double>(),
              1.5 * std::log(2.0), 1e-12);
}

TEST(ClassificationCrossEntropyTest, ClassWeightsNormaliseByTheirSum) {
  CrossEntropyOptions options;
  options.add_class_weights(1.0f);
  options.add_class_weights(3.0f);
  // (1 log 2 + 3 log 4) / (1 + 3).
  EXPECT_NEAR(ClassificationCrossEntropy(Logits(), Labels(), options).item<double>(),
              7.0 / 4.0 * std::log(2.0), 1e-12);
}

TEST(ClassificationCrossEntropyTest, WrongNumberOfClassWeights) {
  CrossEntropyOptions options;
  options.add_class_weights(1.0f);
  options.add_class_weights(2.0f);
  EXPECT_TRUE(ValidateCrossEntropyOptions(options, 2).ok());
  EXPECT_EQ(ValidateCrossEntropyOptions(options, 3).message(),
            "loss.cross_entropy.class_weights has 2 values but the model has 3 classes");
  EXPECT_THROW(ClassificationCrossEntropy(at::zeros({2, 3}), Labels(), options), c10::Error);
}

TEST(CrossEntropyOptionsTest, NegativeValuesAreNamed) {
  CrossEntropyOptions options;
  options.add_class_weights(-1.0f);
  EXPECT_EQ(ValidateCrossEntropyOptions(options, 1).message(),
            "loss.cross_entropy.class_weights[0] must be finite and >= 0, got -1");
  options.clear_class_weights();
  options.set_boundary_weight(-2.0);
  EXPECT_EQ(ValidateCrossEntropyOptions(options, 1).message(),
            "loss.cross_entropy.boundary_weight must be >= 0, got -2");
}

// Class 1 in the top-left 2x2 block of a 4x4 image: frequencies 0.25 and 0.75, median 0.5,
// class weights 2 and 2/3. The 3x3 neighbourhood holds both classes on these pixels:
//   0 1 1 0
//   1 1 1 0
//   1 1 1 0
//   0 0 0 0
at::Tensor BlockTarget() {
  return at::tensor({1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, at::kLong).view({1, 4, 4});
}

TEST(QuickNatPixelWeightsTest, MedianFrequencyPlusBoundary) {
  const at::Tensor weights = QuickNatPixelWeights(BlockTarget(), 2, 10.0);
  const double a = 1.0 + 2.0;             // class 1, inside
  const double b = 1.0 + 2.0 + 10;        // class 1, edge
  const double c = 1.0 + 2.0 / 3.0 + 10;  // class 0, edge
  const double d = 1.0 + 2.0 / 3.0;       // class 0, inside
  const at::Tensor expected =
      at::tensor({a, b, c, d, b, b, c, d, c, c, c, d, d, d, d, d}, at::kFloat).view({1, 4, 4});
  EXPECT_TRUE(at::allclose(weights, expected)) << weights;
}

TEST(QuickNatPixelWeightsTest, OddNumberOfClassesAndAbsentClass) {
  // Classes 0, 0, 0, 1, 1, 2 of 4: frequencies 1/2, 1/3, 1/6 (class 3 absent), median 1/3.
  const at::Tensor target = at::tensor({0, 0, 0, 1, 1, 2}, at::kLong).view({1, 1, 6});
  const at::Tensor weights = QuickNatPixelWeights(target, 4, 0.0);
  const double third = 1.0 / 3.0;
  const at::Tensor expected =
      at::tensor({1 + 2 * third, 1 + 2 * third, 1 + 2 * third, 2.0, 2.0, 3.0}, at::kFloat)
          .view({1, 1, 6});
  EXPECT_TRUE(at::allclose(weights, expected)) << weights;
}

TEST(SegmentationCrossEntropyTest, PlainAndQuickNatWeighted) {
  // Uniform logits: every pixel's cross-entropy is log 2.
  const at::Tensor logits = at::zeros({1, 2, 4, 4}, at::kDouble);
  CrossEntropyOptions options;
  EXPECT_NEAR(SegmentationCrossEntropy(logits, BlockTarget(), options).item<double>(),
              std::log(2.0), 1e-12);
  // mean w = 1 + (4 * 2 + 12 * 2/3) / 16 + 10 * 8 / 16 = 7.
  options.set_quicknat_pixel_weights(true);
  EXPECT_NEAR(SegmentationCrossEntropy(logits, BlockTarget(), options).item<double>(),
              7.0 * std::log(2.0), 1e-5);
}

TEST(SegmentationCrossEntropyTest, WeightsCarryNoGradient) {
  const at::Tensor logits = at::zeros({1, 2, 4, 4}, at::kDouble).requires_grad_(true);
  CrossEntropyOptions options;
  options.set_quicknat_pixel_weights(true);
  SegmentationCrossEntropy(logits, BlockTarget(), options).backward();
  // Pixel (0, 0): class 1, weight 3; d CE / d logit_1 = p1 - 1 = -0.5, over 16 pixels.
  EXPECT_NEAR(logits.grad()[0][1][0][0].item<double>(), 3.0 * -0.5 / 16.0, 1e-6);
}

// The deterministic CUDA path must compute what LibTorch's cross-entropy computes, values and
// gradients, for classification and segmentation shapes, weighted or not, every reduction.
TEST(CrossEntropyByGatherTest, MatchesLibTorch) {
  at::manual_seed(5);
  const at::Tensor weight = at::tensor({0.5, 2.0, 1.0}, at::kDouble);
  for (const std::vector<int64_t>& shape :
       {std::vector<int64_t>{6, 3}, std::vector<int64_t>{2, 3, 4, 5}}) {
    std::vector<int64_t> label_shape = shape;
    label_shape.erase(label_shape.begin() + 1);
    const at::Tensor labels = at::randint(3, label_shape, at::kLong);
    for (const at::Tensor& w : {at::Tensor(), weight}) {
      for (int64_t reduction : {at::Reduction::None, at::Reduction::Mean, at::Reduction::Sum}) {
        const at::Tensor a = at::randn(shape, at::kDouble).requires_grad_(true);
        const at::Tensor b = a.detach().clone().requires_grad_(true);
        const at::Tensor expected = at::cross_entropy_loss(a, labels, w, reduction);
        const at::Tensor actual = CrossEntropyByGather(b, labels, w, reduction);
        ASSERT_TRUE(at::allclose(actual, expected, 1e-12, 1e-12))
            << "shape " << a.sizes() << " weighted " << w.defined() << " reduction " << reduction;
        expected.sum().backward();
        actual.sum().backward();
        EXPECT_TRUE(at::allclose(b.grad(), a.grad(), 1e-12, 1e-12));
      }
    }
  }
}

}  // namespace
}  // namespace nerve_mtl::losses
