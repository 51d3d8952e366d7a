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

// Class 1 in the top-left 2x2 block of a 4x4 image.
at::Tensor BlockTarget() {
  return at::tensor({1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, at::kLong).view({1, 4, 4});
}

// By hand, as QuickNAT's estimate_weights_mfb computes them for the image
//   1 1 0 0
//   1 1 0 0
//   0 0 0 0
//   0 0 0 0
// Counts: class 0 12, class 1 4; median (4 + 12) / 2 = 8; class weights floor(8 / 12) = 0 and
// floor(8 / 4) = 2. numpy.gradient down each column: column 0 and 1 are (1, 1, 0, 0), whose
// gradient is (1-1, 0-1, 0-1, 0-0) = (0, -1, -1, 0) (one-sided at the ends, central inside);
// along each row: rows 0 and 1 are (1, 1, 0, 0), the same. Non-zero in either direction:
//   0 1 1 0
//   1 1 1 0
//   1 1 0 0
//   0 0 0 0
// (the corner pixel (0, 0) is no edge: both its one-sided differences are 0). Weights are the
// class weight + 2 * edge:
//   2 4 2 0
//   4 4 2 0
//   2 2 0 0
//   0 0 0 0
const float kBlockWeights[16] = {2, 4, 2, 0, 4, 4, 2, 0, 2, 2, 0, 0, 0, 0, 0, 0};

TEST(QuickNatPixelWeightsTest, MedianFrequencyPlusEdgesAsTheOriginalComputesThem) {
  const at::Tensor weights = QuickNatPixelWeights(BlockTarget(), 2, 2.0);
  const at::Tensor expected = at::tensor(at::ArrayRef<float>(kBlockWeights, 16)).view({1, 4, 4});
  EXPECT_TRUE(at::equal(weights, expected)) << weights;
}

// The image
//   0 2 0 1
//   0 2 0 1
//   0 2 0 1
//   0 2 0 1
// of 4 classes: counts 8, 4, 4 (class 3 absent), median of the three present 4; class weights
// floor(4 / 8) = 0, floor(4 / 4) = 1, 1. Columns are constant: no gradient down them. Along
// each row (0, 2, 0, 1): (2-0, 0-0, 1-2, 1-0) = (2, 0, -1, 1): the one-pixel line of class 2 is
// no edge, both its neighbours being 0. Weights per row: 0+2, 1+0, 0+2, 1+2 = 2 1 2 3.
// Batched after BlockTarget, each image keeps its own weights: over the batch the counts would
// be 20, 8, 4, the median 8, and BlockTarget's class 1 weight floor(8 / 8) = 1 instead of 2.
TEST(QuickNatPixelWeightsTest, PerImageWithAnOddNumberOfClassesAndAnAbsentOne) {
  const at::Tensor line =
      at::tensor({0, 2, 0, 1}, at::kLong).view({1, 1, 4}).expand({1, 4, 4}).contiguous();
  const at::Tensor weights = QuickNatPixelWeights(at::cat({BlockTarget(), line}), 4, 2.0);
  const at::Tensor expected_line =
      at::tensor({2.0f, 1.0f, 2.0f, 3.0f}).view({1, 1, 4}).expand({1, 4, 4});
  EXPECT_TRUE(at::equal(weights[1], expected_line[0])) << weights[1];
  EXPECT_TRUE(
      at::equal(weights[0], at::tensor(at::ArrayRef<float>(kBlockWeights, 16)).view({4, 4})))
      << weights[0];
}

TEST(QuickNatPixelWeightsTest, RefusesLabelsOutOfRangeAndImagesWithoutAGradient) {
  EXPECT_THROW(QuickNatPixelWeights(BlockTarget() * 2, 2, 2.0), c10::Error);
  EXPECT_THROW(QuickNatPixelWeights(at::zeros({1, 1, 4}, at::kLong), 2, 2.0), c10::Error);
}

TEST(SegmentationCrossEntropyTest, PlainAndQuickNatWeighted) {
  // Uniform logits: every pixel's cross-entropy is log 2.
  const at::Tensor logits = at::zeros({1, 2, 4, 4}, at::kDouble);
  CrossEntropyOptions options;
  EXPECT_NEAR(SegmentationCrossEntropy(logits, BlockTarget(), options).item<double>(),
              std::log(2.0), 1e-12);
  // The mean over all 16 pixels of w * log 2: the weights above sum to 22.
  options.set_quicknat_pixel_weights(true);
  EXPECT_NEAR(SegmentationCrossEntropy(logits, BlockTarget(), options).item<double>(),
              22.0 / 16.0 * std::log(2.0), 1e-6);
}

TEST(SegmentationCrossEntropyTest, WeightsCarryNoGradient) {
  const at::Tensor logits = at::zeros({1, 2, 4, 4}, at::kDouble).requires_grad_(true);
  CrossEntropyOptions options;
  options.set_quicknat_pixel_weights(true);
  SegmentationCrossEntropy(logits, BlockTarget(), options).backward();
  // Pixel (0, 1): class 1, weight 4; d CE / d logit_1 = p1 - 1 = -0.5, over 16 pixels.
  EXPECT_NEAR(logits.grad()[0][1][0][1].item<double>(), 4.0 * -0.5 / 16.0, 1e-6);
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
