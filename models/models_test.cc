// Tests of the registered single-model networks and the registry: quicknat, quickclassifier,
// resultnet, quickfcn (softquickfcn_test.cc has soft sharing's). Few binaries because each
// LibTorch translation unit costs ~15 s to compile on 2 cores; this one links every model,
// which the registry test needs.
#include <ATen/Functions.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/utils.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "models/quickclassifier.h"
#include "models/quickfcn.h"
#include "models/quicknat.h"
#include "models/resultnet.h"
#include "models/softquickfcn.h"
#include "models/test_util.h"

namespace nerve_mtl::models {
namespace {

using model_testing::Create;
using model_testing::ExpectBothTasksReachTheSharedParameters;
using model_testing::ExpectGradientReachesEveryParameter;
using model_testing::ExpectRejected;
using model_testing::kBatch;
using model_testing::kF;
using model_testing::kSize;
using model_testing::kSmallGapHead;
using model_testing::kSmallSegmentationHead;
using model_testing::MakeBatch;
using model_testing::NameOf;
using model_testing::SmallDecoder;
using model_testing::SmallEncoder;
using model_testing::SmallSpec;
using model_testing::StepsToOverfit;
using ::testing::HasSubstr;

// --- Registry ---

TEST(CreateModelTest, UnknownNameListsTheLinkedModels) {
  ModelSpec spec;
  spec.set_name("unet");
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()),
              HasSubstr("model.name: unknown model 'unet' (linked: quickclassifier, quickfcn, "
                        "quicknat, resultnet, softquickfcn)"));
}

// Each registration's traits say what the network it builds does: its forward pass (run, not
// asked), its shared representation, its cross-stitch group and its pretraining.
TEST(ModelTraitsTest, EachRegistrationDescribesTheNetworkItBuilds) {
  torch::manual_seed(0);
  for (const std::string& name : RegisteredModels()) {
    SCOPED_TRACE(name);
    absl::StatusOr<ModelTraits> traits = TraitsOf(name);
    ASSERT_TRUE(traits.ok()) << traits.status();
    absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(SmallSpec(name));
    ASSERT_TRUE(model.ok()) << model.status();
    const ModelSpec spec = SmallSpec(name);
    const ModelOutput out = (*model)->forward(
        torch::rand({2, spec.input_channels(), spec.input_height(), spec.input_width()}));
    EXPECT_EQ(traits->segments, out.segmentation.defined());
    EXPECT_EQ(traits->classifies, out.classification.defined());
    EXPECT_EQ(traits->shared_representation, (*model)->exposes_shared_representation());
    EXPECT_EQ(traits->pretrains, !(*model)->pretraining_specs().empty());
    bool cross_stitch_group = false;
    for (const ParameterGroup& g : (*model)->parameter_groups()) {
      cross_stitch_group |= g.learning_rate.has_value();
    }
    EXPECT_EQ(traits->cross_stitch, cross_stitch_group);
  }
  // The study's networks as the paper describes them (docs/DESIGN.md §1).
  EXPECT_TRUE(TraitsOf("quicknat")->segments && !TraitsOf("quicknat")->classifies);
  EXPECT_TRUE(!TraitsOf("resultnet")->segments && TraitsOf("resultnet")->classifies);
  EXPECT_TRUE(TraitsOf("quickfcn")->shared_representation && !TraitsOf("quickfcn")->cross_stitch);
  EXPECT_TRUE(TraitsOf("softquickfcn")->cross_stitch && TraitsOf("softquickfcn")->pretrains);
  EXPECT_FALSE(TraitsOf("unet").ok());
}

// Options a model would ignore are refused when they differ from their defaults, whether set
// or not: a resolved spec spells out every default, and must pass.
TEST(ValidateModelSpecTest, RefusesOptionsTheModelWouldIgnore) {
  const std::vector<std::tuple<std::string, std::function<void(ModelSpec&)>, std::string>> cases = {
      {"quicknat", [](ModelSpec& s) { s.set_head(HEAD_FLATTEN); }, "head"},
      {"quicknat", [](ModelSpec& s) { s.set_cross_stitch_learning_rate(0.02); },
       "cross_stitch_learning_rate"},
      {"quickclassifier", [](ModelSpec& s) { s.set_segmentation_classes(3); },
       "segmentation_classes"},
      {"resultnet", [](ModelSpec& s) { s.set_head_hidden(50); }, "head_hidden"},
      {"resultnet", [](ModelSpec& s) { s.set_cross_stitch_init(CROSS_STITCH_UNIFORM); },
       "cross_stitch_init"},
      {"quickfcn", [](ModelSpec& s) { s.set_cross_stitch_self_weight(0.8); },
       "cross_stitch_self_weight"},
      {"quickfcn", [](ModelSpec& s) { s.set_head_hidden(50); }, "head_hidden"},
  };
  for (const auto& [name, edit, field] : cases) {
    ModelSpec spec = SmallSpec(name);
    edit(spec);
    ExpectRejected(spec, field);
  }
  EXPECT_EQ(ValidateModelSpec([] {
              ModelSpec s = SmallSpec("quicknat");
              s.set_cross_stitch_self_weight(0.8);
              return s;
            }())
                .message(),
            "model.cross_stitch_self_weight: cross-stitch units exist only in softquickfcn, not "
            "in 'quicknat'");
  for (const std::string name :
       {"quicknat", "quickclassifier", "resultnet", "quickfcn", "softquickfcn"}) {
    ModelSpec spelled_out = SmallSpec(name);
    spelled_out.set_head(HEAD_GLOBAL_AVERAGE_POOL);
    spelled_out.set_head_hidden(25);
    spelled_out.set_segmentation_classes(2);
    spelled_out.set_cross_stitch_init(CROSS_STITCH_FIXED);
    spelled_out.set_cross_stitch_self_weight(0.9);
    spelled_out.set_cross_stitch_learning_rate(0.01);
    EXPECT_TRUE(ValidateModelSpec(spelled_out).ok())
        << name << ": " << ValidateModelSpec(spelled_out);
  }
}

// --- QuickNat ---

TEST(QuickNatTest, SegmentsOnly) {
  auto model = Create<QuickNatImpl>(SmallSpec("quicknat"));
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(model->segments());
  EXPECT_FALSE(model->classifies());
  const ModelOutput out = model->forward(MakeBatch().images);
  EXPECT_EQ(out.segmentation.sizes(), (std::vector<int64_t>{kBatch, 2, kSize, kSize}));
  EXPECT_FALSE(out.classification.defined());
  EXPECT_TRUE(model->shared_parameters().empty());
  EXPECT_FALSE(model->last_shared_weight().defined());
}

TEST(QuickNatTest, ParameterCountMatchesFormula) {
  auto model = Create<QuickNatImpl>(SmallSpec("quicknat"));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(CountParameters(*model), SmallEncoder() + SmallDecoder() + kSmallSegmentationHead);
}

TEST(QuickNatTest, GradientReachesEveryParameter) {
  for (const bool csse : {false, true}) {
    torch::manual_seed(0);
    ModelSpec spec = SmallSpec("quicknat");
    spec.set_csse(csse);
    auto model = Create<QuickNatImpl>(spec);
    ASSERT_NE(model, nullptr);
    SCOPED_TRACE(csse ? "csse" : "no csse");
    ExpectGradientReachesEveryParameter(*model);
  }
}

TEST(QuickNatTest, OverfitsOneBatch) {
  torch::manual_seed(0);
  auto model = Create<QuickNatImpl>(SmallSpec("quicknat"));
  ASSERT_NE(model, nullptr);
  EXPECT_GT(StepsToOverfit(*model, 150), 0);
}

TEST(QuickNatTest, InstanceNormVariantRunsAtAnyBatchSize) {
  ModelSpec spec = SmallSpec("quicknat");
  spec.set_normalization(INSTANCE_NORM);
  auto model = Create<QuickNatImpl>(spec);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->forward(at::randn({1, 1, kSize, kSize})).segmentation.sizes(),
            (std::vector<int64_t>{1, 2, kSize, kSize}));
}

TEST(QuickNatTest, RejectsBadSpecsNamingTheField) {
  const std::vector<std::pair<std::function<void(ModelSpec&)>, std::string>> cases = {
      {[](ModelSpec& s) { s.set_input_height(30); }, "input_height"},
      {[](ModelSpec& s) { s.set_input_width(34); }, "input_width"},
      {[](ModelSpec& s) { s.set_filters(0); }, "filters"},
      {[](ModelSpec& s) { s.set_input_channels(0); }, "input_channels"},
      {[](ModelSpec& s) { s.set_kernel_size(4); }, "kernel_size"},
      {[](ModelSpec& s) { s.set_depth(0); }, "depth"},
      {[](ModelSpec& s) { s.set_dropout(1.0); }, "dropout"},
      {[](ModelSpec& s) { s.set_normalization(NORMALIZATION_LAYER_UNSPECIFIED); }, "normalization"},
      {[](ModelSpec& s) { s.set_segmentation_classes(0); }, "segmentation_classes"},
  };
  for (const auto& [edit, field] : cases) {
    ModelSpec spec = SmallSpec("quicknat");
    edit(spec);
    ExpectRejected(spec, field);
  }
  // The message says what would be right.
  ModelSpec spec = SmallSpec("quicknat");
  spec.set_input_height(100);
  spec.set_depth(4);
  EXPECT_THAT(std::string(CreateModel(spec).status().message()),
              HasSubstr("model.input_height: 100 is not divisible by 2^depth = 16"));
}

// --- QuickClassifier ---

TEST(QuickClassifierTest, ClassifiesOnlyWithEitherHead) {
  for (const ClassifierHead head : {HEAD_GLOBAL_AVERAGE_POOL, HEAD_FLATTEN}) {
    ModelSpec spec = SmallSpec("quickclassifier");
    spec.set_head(head);
    auto model = Create<QuickClassifierImpl>(spec);
    ASSERT_NE(model, nullptr);
    EXPECT_FALSE(model->segments());
    EXPECT_TRUE(model->classifies());
    const ModelOutput out = model->forward(MakeBatch().images);
    EXPECT_EQ(out.classification.sizes(), (std::vector<int64_t>{kBatch, 3}));
    EXPECT_FALSE(out.segmentation.defined());
    // The bottleneck is 32 / 2^2 = 8 pixels square.
    const int64_t head_parameters =
        head == HEAD_FLATTEN ? (kF * 8 * 8 * 25 + 25) + 1 + (25 * 3 + 3) : kSmallGapHead;
    EXPECT_EQ(CountParameters(*model), SmallEncoder() + head_parameters);
  }
}

TEST(QuickClassifierTest, GradientReachesEveryParameter) {
  torch::manual_seed(0);
  auto model = Create<QuickClassifierImpl>(SmallSpec("quickclassifier"));
  ASSERT_NE(model, nullptr);
  ExpectGradientReachesEveryParameter(*model);
}

TEST(QuickClassifierTest, OverfitsOneBatch) {
  torch::manual_seed(0);
  auto model = Create<QuickClassifierImpl>(SmallSpec("quickclassifier"));
  ASSERT_NE(model, nullptr);
  EXPECT_GT(StepsToOverfit(*model, 150), 0);
}

TEST(QuickClassifierTest, OnlyTheFlattenHeadNeedsADivisibleInputSize) {
  ModelSpec spec = SmallSpec("quickclassifier");
  spec.set_input_height(30);
  auto model = Create<QuickClassifierImpl>(spec);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->forward(at::randn({2, 1, 30, kSize})).classification.sizes(),
            (std::vector<int64_t>{2, 3}));
  spec.set_head(HEAD_FLATTEN);
  ExpectRejected(spec, "input_height");
  spec = SmallSpec("quickclassifier");
  spec.set_head(CLASSIFIER_HEAD_UNSPECIFIED);
  ExpectRejected(spec, "head");
  spec = SmallSpec("quickclassifier");
  spec.set_classification_classes(0);
  ExpectRejected(spec, "classification_classes");
}

// --- ResultNet ---

// By hand: conv1 49cw; 3x3 and 1x1 downsampling convolutions of the four stages 2724w^2;
// batch norms (bn1 2w, stages 8w + 20w + 40w + 80w) 150w; fc 8wK + K.
int64_t ResNet18Parameters(int64_t c, int64_t w, int64_t k) {
  return 49 * c * w + 2724 * w * w + 150 * w + 8 * w * k + k;
}

TEST(ResultNetTest, ClassifiesAnySizeAndChannelCount) {
  ModelSpec spec = SmallSpec("resultnet");
  spec.set_input_channels(3);
  auto model = Create<ResultNetImpl>(spec);
  ASSERT_NE(model, nullptr);
  EXPECT_FALSE(model->segments());
  EXPECT_TRUE(model->classifies());
  const ModelOutput out = model->forward(at::randn({2, 3, 40, 24}));
  EXPECT_EQ(out.classification.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_FALSE(out.segmentation.defined());
}

TEST(ResultNetTest, ParameterCountMatchesTorchvision) {
  EXPECT_EQ(ResNet18Parameters(3, 64, 1000), 11689512);  // torchvision resnet18().
  for (const auto& [c, w, k] : {std::tuple{1, 8, 3}, std::tuple{3, 64, 1000}}) {
    ModelSpec spec = SmallSpec("resultnet");
    spec.set_input_channels(c);
    spec.set_resnet_width(w);
    spec.set_classification_classes(k);
    auto model = Create<ResultNetImpl>(spec);
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(CountParameters(*model), ResNet18Parameters(c, w, k));
  }
}

TEST(ResultNetTest, GradientReachesEveryParameter) {
  torch::manual_seed(0);
  auto model = Create<ResultNetImpl>(SmallSpec("resultnet"));
  ASSERT_NE(model, nullptr);
  ExpectGradientReachesEveryParameter(*model);
}

TEST(ResultNetTest, OverfitsOneBatch) {
  torch::manual_seed(0);
  auto model = Create<ResultNetImpl>(SmallSpec("resultnet"));
  ASSERT_NE(model, nullptr);
  EXPECT_GT(StepsToOverfit(*model, 150), 0);
}

TEST(ResultNetTest, RejectsBadSpecsNamingTheField) {
  ModelSpec spec = SmallSpec("resultnet");
  spec.set_resnet_width(0);
  ExpectRejected(spec, "resnet_width");
  spec = SmallSpec("resultnet");
  spec.set_input_channels(0);
  ExpectRejected(spec, "input_channels");
}

// --- QuickFcn ---

TEST(QuickFcnTest, SegmentsAndClassifies) {
  auto model = Create<QuickFcnImpl>(SmallSpec("quickfcn"));
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(model->segments());
  EXPECT_TRUE(model->classifies());
  const ModelOutput out = model->forward(MakeBatch().images);
  EXPECT_EQ(out.segmentation.sizes(), (std::vector<int64_t>{kBatch, 2, kSize, kSize}));
  EXPECT_EQ(out.classification.sizes(), (std::vector<int64_t>{kBatch, 3}));
  EXPECT_EQ(CountParameters(*model),
            SmallEncoder() + SmallDecoder() + kSmallSegmentationHead + kSmallGapHead);
}

TEST(QuickFcnTest, SharesTheEncoderAndItsBottleneck) {
  auto model = Create<QuickFcnImpl>(SmallSpec("quickfcn"));
  ASSERT_NE(model, nullptr);
  int64_t shared = 0;
  for (const torch::Tensor& p : model->shared_parameters()) {
    EXPECT_THAT(NameOf(*model, p), ::testing::StartsWith("encoder."));
    shared += p.numel();
  }
  EXPECT_EQ(shared, SmallEncoder());
  EXPECT_EQ(NameOf(*model, model->last_shared_weight()), "encoder.bottleneck.conv3.weight");
  ExpectBothTasksReachTheSharedParameters(*model);
}

// MGDA-UB's representation: the bottleneck and each block's pre-pool features, exactly what the
// heads read, so the gradient of the total loss through them equals the encoder's.
TEST(QuickFcnTest, ExposesTheRepresentationBothHeadsRead) {
  torch::manual_seed(0);
  auto model = Create<QuickFcnImpl>(SmallSpec("quickfcn"));
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(model->exposes_shared_representation());
  EXPECT_TRUE(model->shared_representation().empty());
  model->train();
  const ModelOutput out = model->forward(MakeBatch().images);
  const std::vector<torch::Tensor> representation = model->shared_representation();
  const int64_t depth = SmallSpec("quickfcn").depth();
  ASSERT_EQ(static_cast<int64_t>(representation.size()), depth + 1);
  // The classifier reads the bottleneck only, the decoder every tensor.
  const torch::Tensor classification = out.classification.sum();
  const std::vector<torch::Tensor> gradients = torch::autograd::grad(
      {classification}, representation, {}, /*retain_graph=*/true, /*create_graph=*/false,
      /*allow_unused=*/true);
  for (int64_t i = 0; i < depth; ++i) {
    EXPECT_TRUE(!gradients[i].defined() || gradients[i].abs().sum().item<double>() == 0.0) << i;
  }
  EXPECT_GT(gradients[depth].abs().sum().item<double>(), 0.0);
  for (const torch::Tensor& g : torch::autograd::grad({out.segmentation.sum()}, representation)) {
    EXPECT_GT(g.abs().sum().item<double>(), 0.0);
  }
  // Evaluation passes keep nothing.
  model->eval();
  model->forward(MakeBatch().images);
  EXPECT_TRUE(model->shared_representation().empty());
}

TEST(QuickFcnTest, GradientReachesEveryParameter) {
  torch::manual_seed(0);
  ModelSpec spec = SmallSpec("quickfcn");
  spec.set_head(HEAD_FLATTEN);
  spec.set_csse(true);
  auto model = Create<QuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  ExpectGradientReachesEveryParameter(*model);
}

TEST(QuickFcnTest, OverfitsOneBatch) {
  torch::manual_seed(0);
  auto model = Create<QuickFcnImpl>(SmallSpec("quickfcn"));
  ASSERT_NE(model, nullptr);
  EXPECT_GT(StepsToOverfit(*model, 150), 0);
}

// The original's head on the default study's QuickFCN (16 filters, 3x3 kernels, depth 3, 48x48
// single-channel images, 3 classes): flatten -> Linear(., 25) -> PReLU -> Linear(25, classes).
TEST(QuickFcnTest, OriginalHeadAtTheStudysScaleHasTheOriginalsLayers) {
  ModelSpec spec;
  spec.set_name("quickfcn");
  spec.set_head(HEAD_FLATTEN);
  spec.set_filters(16);
  spec.set_kernel_size(3);
  spec.set_depth(3);
  spec.set_input_height(48);
  spec.set_input_width(48);
  torch::manual_seed(0);
  auto model = Create<QuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  // By hand: the bottleneck is 48 / 2^3 = 6 pixels square, 16 * 6 * 6 = 576 values;
  // Linear(576, 25) 576 * 25 + 25 = 14425, one PReLU slope, Linear(25, 3) 75 + 3 = 78: 14504.
  ClassificationHead head = model->classification_head();
  EXPECT_EQ(CountParameters(*head), 14504);
  // The rest by hand (F = 16, k = 3): dense blocks with 1 input channel (144 + 16) +
  // (2448 + 16) + (528 + 16) + norms 2 * (1 + 17 + 33) + 1 = 3271; with 16, 2320 + 4624 + 784
  // + 192 + 1 = 7921; decoder blocks with 32, 4624 + 6928 + 1040 + 288 + 1 = 12881. Encoder
  // 3271 + 3 * 7921 = 27034, decoder 3 * 12881 = 38643, 1x1 segmentation head 16 * 2 + 2 = 34.
  EXPECT_EQ(CountParameters(*model), 27034 + 38643 + 34 + 14504);

  // The layers in order, checked against PyTorch's functional forms.
  const auto parameters = head->named_parameters();
  ASSERT_EQ(parameters.size(), 5u);
  EXPECT_EQ(parameters["hidden.weight"].sizes(), (std::vector<int64_t>{25, 576}));
  EXPECT_EQ(parameters["prelu.weight"].sizes(), (std::vector<int64_t>{1}));
  EXPECT_FLOAT_EQ(parameters["prelu.weight"].item<float>(), 0.25f);  // nn.PReLU()'s init.
  EXPECT_EQ(parameters["output.weight"].sizes(), (std::vector<int64_t>{3, 25}));
  const torch::Tensor bottleneck = at::randn({2, 16, 6, 6});
  const torch::Tensor hidden = at::linear(bottleneck.reshape({2, 576}), parameters["hidden.weight"],
                                          parameters["hidden.bias"]);
  const torch::Tensor expected = at::linear(at::prelu(hidden, parameters["prelu.weight"]),
                                            parameters["output.weight"], parameters["output.bias"]);
  EXPECT_TRUE(at::allclose(head(bottleneck), expected, 1e-5, 1e-6));
}

TEST(QuickFcnTest, RejectsBadSpecsNamingTheField) {
  ModelSpec spec = SmallSpec("quickfcn");
  spec.set_input_width(22);
  ExpectRejected(spec, "input_width");
  spec = SmallSpec("quickfcn");
  spec.set_head(CLASSIFIER_HEAD_UNSPECIFIED);
  ExpectRejected(spec, "head");
  spec = SmallSpec("quickfcn");
  spec.set_head(HEAD_FLATTEN);
  spec.set_head_hidden(0);
  ExpectRejected(spec, "head_hidden");
}

}  // namespace
}  // namespace nerve_mtl::models
