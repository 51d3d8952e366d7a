// Tests of the layers the networks are made of: //models:blocks and //models:cross_stitch.
// One binary for both because each LibTorch translation unit costs ~15 s to compile.
#include "models/blocks.h"

#include <ATen/Context.h>
#include <ATen/Functions.h>
// The module header uses the functional one without including it.
#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/instancenorm.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "models/cross_stitch.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {
namespace {

// Parameters of a dense block: three convolutions, three affine normalizations (2 per
// channel), one PReLU slope; plus the squeeze-excitation when on.
int64_t DenseBlockParameters(int64_t c, int64_t f, int64_t k, bool csse) {
  const int64_t convs = (c * f * k * k + f) + ((c + f) * f * k * k + f) + ((c + 2 * f) * f + f);
  const int64_t norms = 2 * c + 2 * (c + f) + 2 * (c + 2 * f);
  const int64_t se = csse ? (f * (f / 2) + f / 2) + ((f / 2) * f + f) + (f + 1) : 0;
  return convs + norms + 1 + se;
}

void ExpectEveryParameterHasGradient(const torch::nn::Module& module) {
  for (const auto& item : module.named_parameters()) {
    const torch::Tensor& grad = item.value().grad();
    ASSERT_TRUE(grad.defined()) << item.key();
    EXPECT_GT(grad.abs().sum().item<double>(), 0.0) << item.key();
  }
}

TEST(DenseBlockTest, KeepsSpatialSizeAndOutputsFilters) {
  torch::manual_seed(0);
  DenseBlock block(DenseBlockOptions(3, 8).kernel_size(5));
  EXPECT_EQ(block(at::randn({2, 3, 32, 32})).sizes(), (std::vector<int64_t>{2, 8, 32, 32}));
}

TEST(DenseBlockTest, ParameterCountMatchesFormula) {
  for (const bool csse : {false, true}) {
    for (const NormalizationLayer norm : {BATCH_NORM, INSTANCE_NORM}) {
      DenseBlock block(DenseBlockOptions(3, 8).kernel_size(5).normalization(norm).csse(csse));
      EXPECT_EQ(CountParameters(*block), DenseBlockParameters(3, 8, 5, csse))
          << "csse " << csse << " norm " << NormalizationLayer_Name(norm);
    }
  }
  // By hand for C = 1, F = 8, k = 5: conv1 1*8*25+8, conv2 9*8*25+8, conv3 (1x1) 17*8+8,
  // norms 2*1 + 2*9 + 2*17, one PReLU slope.
  EXPECT_EQ(DenseBlockParameters(1, 8, 5, false), 208 + 1808 + 144 + 2 + 18 + 34 + 1);
}

TEST(DenseBlockTest, GradientReachesEveryParameter) {
  for (const NormalizationLayer norm : {BATCH_NORM, INSTANCE_NORM}) {
    torch::manual_seed(0);
    DenseBlock block(DenseBlockOptions(2, 4).kernel_size(3).normalization(norm).csse(true));
    block(at::randn({2, 2, 8, 8})).pow(2).sum().backward();
    ExpectEveryParameterHasGradient(*block);
  }
}

TEST(DenseBlockTest, InstanceNormNormalizesEachImageOnItsOwn) {
  torch::manual_seed(0);
  const torch::Tensor x = at::randn({3, 2, 8, 8});
  DenseBlock instance(DenseBlockOptions(2, 4).kernel_size(3).normalization(INSTANCE_NORM));
  EXPECT_TRUE(at::allclose(instance(x).slice(0, 0, 1), instance(x.slice(0, 0, 1)), 1e-5, 1e-5));
  EXPECT_TRUE(instance->named_buffers().is_empty());
  DenseBlock batch(DenseBlockOptions(2, 4).kernel_size(3).normalization(BATCH_NORM));
  EXPECT_FALSE(at::allclose(batch(x).slice(0, 0, 1), batch(x.slice(0, 0, 1)), 1e-5, 1e-5));
}

// PyTorch's nn.InstanceNorm2d(C) (affine=False, track_running_stats=False), which the original
// soft-sharing variant used: each image's each channel comes out with mean 0 and biased
// variance v / (v + eps), eps = 1e-5, in training and evaluation alike, and the layer has
// neither parameters nor buffers.
TEST(DenseBlockTest, InstanceNormWithoutAffineIsPyTorchsDefaultInstanceNorm) {
  torch::manual_seed(0);
  DenseBlock block(DenseBlockOptions(3, 4)
                       .kernel_size(3)
                       .normalization(INSTANCE_NORM)
                       .normalization_affine(false));
  EXPECT_TRUE(block->named_buffers().is_empty());
  for (const auto& item : block->named_parameters()) {
    EXPECT_EQ(item.key().find("norm"), std::string::npos) << item.key() << " is a parameter";
  }
  // 3x3, 3x3 and 1x1 convolutions with biases, no norm parameters, one PReLU slope.
  EXPECT_EQ(CountParameters(*block), (3 * 4 * 9 + 4) + (7 * 4 * 9 + 4) + (11 * 4 + 4) + 1);

  auto norm =
      std::dynamic_pointer_cast<torch::nn::InstanceNorm2dImpl>(block->named_children()["norm1"]);
  ASSERT_NE(norm, nullptr);
  // Per image and channel: scale 1..6 and shift by -3..+2, so only the normalization can bring
  // them to mean 0, variance 1.
  const torch::Tensor x = at::randn({2, 3, 6, 5}) * at::arange(1, 7).view({2, 3, 1, 1}) +
                          (at::arange(6).view({2, 3, 1, 1}) - 3);
  for (const bool training : {true, false}) {
    block->train(training);
    const torch::Tensor y = norm->forward(x);
    const torch::Tensor variance = x.var({2, 3}, /*unbiased=*/false);
    EXPECT_TRUE(at::allclose(y.mean({2, 3}), at::zeros({2, 3}), 0, 1e-5)) << training;
    EXPECT_TRUE(
        at::allclose(y.var({2, 3}, /*unbiased=*/false), variance / (variance + 1e-5), 1e-4, 1e-5))
        << training;
  }
}

TEST(DenseBlockTest, BatchNormWithoutAffineHasOnlyRunningStatistics) {
  DenseBlock block(DenseBlockOptions(3, 4).kernel_size(3).normalization_affine(false));
  EXPECT_EQ(CountParameters(*block), (3 * 4 * 9 + 4) + (7 * 4 * 9 + 4) + (11 * 4 + 4) + 1);
  // running_mean, running_var, num_batches_tracked for each of the three norms.
  EXPECT_EQ(block->named_buffers().size(), 9u);
}

TEST(ChannelSpatialSETest, TakesTheElementwiseMaximumOfChannelAndSpatialExcitation) {
  ChannelSpatialSE se(4);
  {
    torch::NoGradGuard no_grad;
    // Channel scale sigmoid(0) = 0.5 everywhere; spatial scale sigmoid(1) = 0.73.
    for (auto& item : se->named_parameters()) item.value().zero_();
    se->named_parameters()["spatial.bias"].fill_(1.0);
  }
  const torch::Tensor x = at::randn({2, 4, 5, 5});
  const double spatial = 1.0 / (1.0 + std::exp(-1.0));
  const torch::Tensor expected = at::where(x > 0, x * spatial, x * 0.5);
  EXPECT_TRUE(at::allclose(se(x), expected, 1e-5, 1e-6));
}

TEST(EncoderTest, PoolsDepthTimesAndKeepsThePrePoolFeatures) {
  torch::manual_seed(0);
  Encoder encoder(EncoderOptions(1, 8).kernel_size(3).depth(3));
  const EncoderOutput out = encoder(at::randn({2, 1, 32, 32}));
  EXPECT_EQ(out.bottleneck.sizes(), (std::vector<int64_t>{2, 8, 4, 4}));
  ASSERT_EQ(out.features.size(), 3u);
  ASSERT_EQ(out.indices.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const int64_t size = 32 >> i;
    EXPECT_EQ(out.features[i].sizes(), (std::vector<int64_t>{2, 8, size, size})) << i;
    EXPECT_EQ(out.indices[i].sizes(), (std::vector<int64_t>{2, 8, size / 2, size / 2})) << i;
  }
  EXPECT_EQ(CountParameters(*encoder),
            DenseBlockParameters(1, 8, 3, false) + 3 * DenseBlockParameters(8, 8, 3, false));
}

TEST(DecoderTest, RestoresTheInputSizeEvenWhenPoolingFloored) {
  torch::manual_seed(0);
  const EncoderOptions options = EncoderOptions(1, 4).kernel_size(3).depth(2);
  Encoder encoder(options);
  Decoder decoder(options);
  // 30 -> 15 -> 7: unpooling must go back to 15 and 30, not 14 and 28.
  const EncoderOutput out = encoder(at::randn({1, 1, 30, 30}));
  EXPECT_EQ(decoder(out.bottleneck, out.features, out.indices).sizes(),
            (std::vector<int64_t>{1, 4, 30, 30}));
  EXPECT_EQ(CountParameters(*decoder), 2 * DenseBlockParameters(8, 4, 3, false));
}

TEST(MaxUnpool2x2Test, EqualsMaxUnpool2dIncludingOddSizes) {
  torch::manual_seed(0);
  for (const auto& [height, width] : {std::pair{8, 6}, std::pair{7, 9}}) {
    const torch::Tensor x = at::randn({2, 3, height, width});
    const auto [pooled, indices] = at::max_pool2d_with_indices(x, {2, 2}, {2, 2});
    EXPECT_TRUE(at::equal(MaxUnpool2x2(pooled, indices, height, width),
                          at::max_unpool2d(pooled, indices, {height, width})))
        << height << "x" << width;
  }
}

// The trainer turns on deterministic algorithms; LibTorch would refuse max_unpool2d there.
TEST(DecoderTest, TrainsUnderDeterministicAlgorithms) {
  torch::manual_seed(0);
  const EncoderOptions options = EncoderOptions(1, 4).kernel_size(3).depth(2);
  Encoder encoder(options);
  Decoder decoder(options);
  const bool was_deterministic = at::globalContext().deterministicAlgorithms();
  at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
  const EncoderOutput out = encoder(at::randn({2, 1, 16, 16}));
  EXPECT_NO_THROW(decoder(out.bottleneck, out.features, out.indices).sum().backward());
  at::globalContext().setDeterministicAlgorithms(was_deterministic, /*warn_only=*/false);
}

TEST(ClassificationHeadTest, FlattenAndGlobalAveragePool) {
  ClassificationHead flatten(
      ClassificationHeadOptions(8, 3).type(HEAD_FLATTEN).hidden(25).in_height(2).in_width(4));
  EXPECT_EQ(flatten(at::randn({5, 8, 2, 4})).sizes(), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(CountParameters(*flatten), (8 * 2 * 4 * 25 + 25) + 1 + (25 * 3 + 3));
  ClassificationHead gap(ClassificationHeadOptions(8, 3).type(HEAD_GLOBAL_AVERAGE_POOL));
  EXPECT_EQ(gap(at::randn({5, 8, 7, 3})).sizes(), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(CountParameters(*gap), 8 * 3 + 3);
}

TEST(ClassificationHeadOptionsTest, BottleneckSizeFromSpec) {
  ModelSpec spec;
  spec.set_input_height(128);
  spec.set_input_width(64);
  spec.set_depth(3);
  spec.set_filters(16);
  const ClassificationHeadOptions options = ClassificationHeadOptionsFromSpec(spec);
  EXPECT_EQ(options.in_height(), 16);
  EXPECT_EQ(options.in_width(), 8);
  EXPECT_EQ(options.in_channels(), 16);
}

TEST(CrossStitchTest, FixedInitSetsSelfAndOtherWeights) {
  CrossStitchUnit unit(CrossStitchUnitOptions(6).init(CROSS_STITCH_FIXED).self_weight(0.9));
  EXPECT_EQ(unit->named_parameters().size(), 4u);
  for (const torch::Tensor& a : {unit->alpha_ss(), unit->alpha_cc()}) {
    EXPECT_EQ(a.sizes(), (std::vector<int64_t>{6}));
    EXPECT_TRUE(at::allclose(a, at::full({6}, 0.9)));
  }
  for (const torch::Tensor& a : {unit->alpha_sc(), unit->alpha_cs()}) {
    EXPECT_TRUE(at::allclose(a, at::full({6}, 0.1)));
  }
}

// The original's init: per unit, a and b drawn independently from U(0.05, 0.95); alpha_ss = a,
// alpha_sc = 1 - a, alpha_cc = b, alpha_cs = 1 - b, each the same over the channels. Checked
// against the moments of U(0.05, 0.95) over 2,000 units from 10 seeds: mean 0.5, variance
// 0.9^2 / 12 = 0.0675, and a correlation of a with b near 0 (it was 1 when one draw served
// both tasks). Bounds are about 4 standard errors: the mean's is sqrt(0.0675 / 2000) = 0.0058,
// the variance's sqrt((0.9^4 / 80 - 0.0675^2) / 2000) = 0.0014, a correlation's 1 / sqrt(2000)
// = 0.022.
TEST(CrossStitchTest, UniformInitDrawsTwoIndependentSelfWeightsPerUnit) {
  constexpr int kSeeds = 10;
  constexpr int kUnitsPerSeed = 200;
  constexpr int64_t kChannels = 3;
  std::vector<double> a, b;
  for (int seed = 0; seed < kSeeds; ++seed) {
    torch::manual_seed(seed);
    for (int i = 0; i < kUnitsPerSeed; ++i) {
      CrossStitchUnit unit(CrossStitchUnitOptions(kChannels).init(CROSS_STITCH_UNIFORM));
      for (const torch::Tensor& alpha :
           {unit->alpha_ss(), unit->alpha_sc(), unit->alpha_cs(), unit->alpha_cc()}) {
        ASSERT_TRUE(at::equal(alpha, at::full({kChannels}, alpha[0].item<float>())))
            << "one value broadcast over the channels";
      }
      ASSERT_TRUE(at::allclose(unit->alpha_ss() + unit->alpha_sc(), at::ones({kChannels})));
      ASSERT_TRUE(at::allclose(unit->alpha_cs() + unit->alpha_cc(), at::ones({kChannels})));
      a.push_back(unit->alpha_ss()[0].item<double>());
      b.push_back(unit->alpha_cc()[0].item<double>());
    }
  }
  const double n = static_cast<double>(a.size());
  double mean_a = 0, mean_b = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    // float(0.05) and float(0.95) may round outward by up to 3e-9.
    ASSERT_GE(a[i], 0.05 - 1e-7);
    ASSERT_LE(a[i], 0.95 + 1e-7);
    ASSERT_GE(b[i], 0.05 - 1e-7);
    ASSERT_LE(b[i], 0.95 + 1e-7);
    mean_a += a[i] / n;
    mean_b += b[i] / n;
  }
  double var_a = 0, var_b = 0, covariance = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    var_a += (a[i] - mean_a) * (a[i] - mean_a) / n;
    var_b += (b[i] - mean_b) * (b[i] - mean_b) / n;
    covariance += (a[i] - mean_a) * (b[i] - mean_b) / n;
  }
  EXPECT_NEAR(mean_a, 0.5, 0.023);
  EXPECT_NEAR(mean_b, 0.5, 0.023);
  EXPECT_NEAR(var_a, 0.0675, 0.006);
  EXPECT_NEAR(var_b, 0.0675, 0.006);
  EXPECT_NEAR(covariance / std::sqrt(var_a * var_b), 0.0, 0.09);
  // The whole interval is reached: P(no draw below 0.06 in 2,000) = (1 - 0.01 / 0.9)^2000 < 1e-9.
  EXPECT_LT(*std::min_element(a.begin(), a.end()), 0.06);
  EXPECT_GT(*std::max_element(b.begin(), b.end()), 0.94);

  // torch::manual_seed fixes the draws.
  torch::manual_seed(0);
  CrossStitchUnit again(CrossStitchUnitOptions(kChannels).init(CROSS_STITCH_UNIFORM));
  EXPECT_DOUBLE_EQ(again->alpha_ss()[0].item<double>(), a[0]);
  EXPECT_DOUBLE_EQ(again->alpha_cc()[0].item<double>(), b[0]);
}

TEST(CrossStitchTest, MixesChannelByChannelAndTrainsEveryAlpha) {
  CrossStitchUnit unit(CrossStitchUnitOptions(2));
  {
    torch::NoGradGuard no_grad;
    unit->alpha_ss().copy_(at::tensor({1.0f, 2.0f}));
    unit->alpha_sc().copy_(at::tensor({3.0f, 4.0f}));
    unit->alpha_cs().copy_(at::tensor({5.0f, 6.0f}));
    unit->alpha_cc().copy_(at::tensor({7.0f, 8.0f}));
  }
  const torch::Tensor x_s = at::ones({1, 2, 3, 3});
  const torch::Tensor x_c = at::full({1, 2, 3, 3}, 10.0);
  const auto [s, c] = unit(x_s, x_c);
  EXPECT_FLOAT_EQ(s[0][0][1][1].item<float>(), 1 + 30);
  EXPECT_FLOAT_EQ(s[0][1][1][1].item<float>(), 2 + 40);
  EXPECT_FLOAT_EQ(c[0][0][1][1].item<float>(), 5 + 70);
  EXPECT_FLOAT_EQ(c[0][1][1][1].item<float>(), 6 + 80);
  (s.sum() + c.sum()).backward();
  ExpectEveryParameterHasGradient(*unit);
}

}  // namespace
}  // namespace nerve_mtl::models
