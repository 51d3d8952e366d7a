// Tests of the five registered networks: quicknat, quickclassifier, resultnet, quickfcn,
// softquickfcn. One binary rather than one per model because each LibTorch
// translation unit costs ~15 s to compile on 2 cores; it also links every model, which the
// registry test needs.
#include <ATen/Functions.h>
#include <torch/optim/adam.h>
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

namespace nerve_mtl::models {
namespace {

using ::testing::HasSubstr;

constexpr int kBatch = 4;
constexpr int kSize = 32;

// Small enough that training one batch for 150 steps takes seconds on 2 cores.
ModelSpec SmallSpec(const std::string& name) {
  ModelSpec spec;
  spec.set_name(name);
  spec.set_input_height(kSize);
  spec.set_input_width(kSize);
  spec.set_filters(8);
  spec.set_kernel_size(3);
  spec.set_depth(2);
  spec.set_dropout(0.0);
  spec.set_resnet_width(8);
  return spec;
}

template <typename Impl>
std::shared_ptr<Impl> Create(const ModelSpec& spec) {
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return nullptr;
  std::shared_ptr<Impl> typed = std::dynamic_pointer_cast<Impl>(*model);
  EXPECT_NE(typed, nullptr) << spec.name() << " has an unexpected type";
  return typed;
}

// Parameters of a dense block (see blocks_test.cc), without squeeze-excitation.
int64_t Dense(int64_t c, int64_t f, int64_t k) {
  return (c * f * k * k + f) + ((c + f) * f * k * k + f) + ((c + 2 * f) * f + f) +
         2 * (c + (c + f) + (c + 2 * f)) + 1;
}

// The small spec's parts: 1 input channel, F = 8, k = 3, depth 2, 2 + 3 classes.
constexpr int64_t kF = 8;
int64_t SmallEncoder() { return Dense(1, kF, 3) + Dense(kF, kF, 3) + Dense(kF, kF, 3); }
int64_t SmallDecoder() { return 2 * Dense(2 * kF, kF, 3); }
constexpr int64_t kSmallSegmentationHead = kF * 2 + 2;
constexpr int64_t kSmallGapHead = kF * 3 + 3;

// Four 32x32 images; image i has label i % 3 and a disc (its mask) of brightness rising with
// the label at its own place, on seeded noise.
struct Batch {
  torch::Tensor images;  // [4, 1, 32, 32]
  torch::Tensor masks;   // [4, 32, 32], 0/1 (int64)
  torch::Tensor labels;  // [4] (int64)
};

Batch MakeBatch() {
  torch::manual_seed(1);
  const torch::Tensor ys = at::arange(kSize).view({kSize, 1});
  const torch::Tensor xs = at::arange(kSize).view({1, kSize});
  const int64_t centers[kBatch][2] = {{10, 12}, {20, 19}, {14, 22}, {22, 9}};
  std::vector<torch::Tensor> masks, images;
  std::vector<int64_t> labels;
  for (int i = 0; i < kBatch; ++i) {
    const torch::Tensor disc = ((ys - centers[i][0]).pow(2) + (xs - centers[i][1]).pow(2)) <= 36;
    const int64_t label = i % 3;
    masks.push_back(disc.to(at::kLong));
    images.push_back(disc.to(at::kFloat) * (0.5 + 0.5 * label) + 0.2 * at::randn({kSize, kSize}));
    labels.push_back(label);
  }
  return {at::stack(images).unsqueeze(1), at::stack(masks), at::tensor(labels)};
}

// Dice of the argmax foreground against the masks.
double HardDice(const torch::Tensor& logits, const torch::Tensor& masks) {
  const torch::Tensor predicted = logits.argmax(1) == 1;
  const torch::Tensor truth = masks == 1;
  const double overlap = (predicted & truth).sum().item<double>();
  return 2.0 * overlap / (predicted.sum().item<double>() + truth.sum().item<double>());
}

double Accuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  return (logits.argmax(1) == labels).to(at::kFloat).mean().item<double>();
}

// Cross-entropy plus soft Dice of the foreground for a segmentation, cross-entropy for a
// classification, summed over what the model predicts.
torch::Tensor Loss(const ModelOutput& out, const Batch& batch) {
  torch::Tensor loss = at::zeros({});
  if (out.segmentation.defined()) {
    const torch::Tensor foreground = out.segmentation.softmax(1).select(1, 1);
    const torch::Tensor truth = batch.masks.to(at::kFloat);
    const torch::Tensor dice =
        2 * (foreground * truth).sum() / (foreground.sum() + truth.sum() + 1e-6);
    loss = loss + at::cross_entropy_loss(out.segmentation, batch.masks) + (1 - dice);
  }
  if (out.classification.defined()) {
    loss = loss + at::cross_entropy_loss(out.classification, batch.labels);
  }
  return loss;
}

// Trains on one batch with Adam until, in eval mode, the segmentation Dice exceeds 0.95 and the
// classification accuracy is 1 (for what the model predicts). Returns the steps it took, or -1
// after `max_steps`.
int StepsToOverfit(MultitaskModelImpl& model, int max_steps) {
  const Batch batch = MakeBatch();
  torch::optim::Adam adam(model.parameters(), torch::optim::AdamOptions(5e-3));
  for (int step = 1; step <= max_steps; ++step) {
    model.train();
    adam.zero_grad();
    Loss(model.forward(batch.images), batch).backward();
    adam.step();
    if (step % 5 != 0) continue;
    torch::NoGradGuard no_grad;
    model.eval();
    const ModelOutput out = model.forward(batch.images);
    const bool segmented =
        !out.segmentation.defined() || HardDice(out.segmentation, batch.masks) > 0.95;
    const bool classified =
        !out.classification.defined() || Accuracy(out.classification, batch.labels) == 1.0;
    if (segmented && classified) return step;
  }
  return -1;
}

std::string NameOf(torch::nn::Module& model, const torch::Tensor& parameter) {
  for (const auto& item : model.named_parameters()) {
    if (item.value().is_same(parameter)) return item.key();
  }
  return "(not a parameter of the model)";
}

bool HasGradient(const torch::Tensor& parameter) {
  return parameter.grad().defined() && parameter.grad().abs().sum().item<double>() > 0.0;
}

// Backward of the sum of every output; every parameter must then hold a non-zero gradient.
// Eval mode: in training mode batch norm subtracts the per-channel mean again, so a conv bias
// that feeds only normalization gets a zero gradient (QuickNAT's reference keeps such biases);
// with fixed statistics every parameter's connection to the outputs shows.
// Callers fix the seed: at a random init a small squeeze-excitation's ReLU can be dead for
// the whole batch, which is legitimate but would read as a broken connection.
void ExpectGradientReachesEveryParameter(MultitaskModelImpl& model) {
  model.eval();
  model.zero_grad();
  const ModelOutput out = model.forward(MakeBatch().images);
  torch::Tensor total = at::zeros({});
  if (out.segmentation.defined()) total = total + out.segmentation.sum();
  if (out.classification.defined()) total = total + out.classification.sum();
  total.backward();
  for (const auto& item : model.named_parameters()) {
    EXPECT_TRUE(HasGradient(item.value())) << item.key();
  }
}

enum class Task { kSegmentation, kClassification };

// Backward of one task's output only; returns the model's parameters it reached.
void BackwardOneTask(MultitaskModelImpl& model, Task task) {
  model.eval();
  model.zero_grad();
  const ModelOutput out = model.forward(MakeBatch().images);
  (task == Task::kSegmentation ? out.segmentation : out.classification).sum().backward();
}

// Each task alone reaches every shared parameter and the last shared weight.
void ExpectBothTasksReachTheSharedParameters(MultitaskModelImpl& model) {
  const torch::Tensor last = model.last_shared_weight();
  ASSERT_TRUE(last.defined());
  EXPECT_NE(NameOf(model, last), "(not a parameter of the model)");
  for (const Task task : {Task::kSegmentation, Task::kClassification}) {
    BackwardOneTask(model, task);
    const char* task_name = task == Task::kSegmentation ? "segmentation" : "classification";
    for (const torch::Tensor& p : model.shared_parameters()) {
      EXPECT_TRUE(HasGradient(p)) << task_name << " does not reach " << NameOf(model, p);
    }
    EXPECT_TRUE(HasGradient(last)) << task_name << " does not reach the last shared weight";
  }
}

void ExpectRejected(const ModelSpec& spec, const std::string& field) {
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  ASSERT_FALSE(model.ok()) << spec.ShortDebugString();
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(model.status().message()), HasSubstr("model." + field + ":"))
      << spec.ShortDebugString();
}

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

// --- SoftQuickFcn ---

TEST(SoftQuickFcnTest, SegmentsAndClassifies) {
  auto model = Create<SoftQuickFcnImpl>(SmallSpec("softquickfcn"));
  ASSERT_NE(model, nullptr);
  const ModelOutput out = model->forward(MakeBatch().images);
  EXPECT_EQ(out.segmentation.sizes(), (std::vector<int64_t>{kBatch, 2, kSize, kSize}));
  EXPECT_EQ(out.classification.sizes(), (std::vector<int64_t>{kBatch, 3}));
  // Two branches plus depth + 1 = 3 units of 4 alphas over F channels.
  EXPECT_EQ(model->cross_stitch_units().size(), 3u);
  EXPECT_EQ(CountParameters(*model), (SmallEncoder() + SmallDecoder() + kSmallSegmentationHead) +
                                         (SmallEncoder() + kSmallGapHead) + 3 * 4 * kF);
}

TEST(SoftQuickFcnTest, AlphasFormTheirOwnParameterGroup) {
  ModelSpec spec = SmallSpec("softquickfcn");
  spec.set_cross_stitch_lr_multiplier(100);
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  const std::vector<ParameterGroup> groups = model->parameter_groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "cross_stitch");
  EXPECT_DOUBLE_EQ(groups[0].lr_multiplier, 100);
  ASSERT_EQ(groups[0].parameters.size(), 3u * 4u);
  std::vector<std::string> names;
  for (const torch::Tensor& p : groups[0].parameters) names.push_back(NameOf(*model, p));
  std::vector<std::string> expected;
  for (const auto& item : model->named_parameters()) {
    if (item.key().rfind("cross_stitch.", 0) == 0) expected.push_back(item.key());
  }
  EXPECT_EQ(names, expected);
  EXPECT_EQ(names[1], "cross_stitch.0.alpha_sc");
}

TEST(SoftQuickFcnTest, DiagnosticsReportTheMeanOfEachAlpha) {
  auto model = Create<SoftQuickFcnImpl>(SmallSpec("softquickfcn"));
  ASSERT_NE(model, nullptr);
  const auto diagnostics = model->diagnostics();
  ASSERT_EQ(diagnostics.size(), 12u);
  EXPECT_EQ(diagnostics[0].first, "cross_stitch/0/ss");
  EXPECT_NEAR(diagnostics[0].second, 0.9, 1e-6);
  EXPECT_EQ(diagnostics[6].first, "cross_stitch/1/cs");
  EXPECT_NEAR(diagnostics[6].second, 0.1, 1e-6);
  EXPECT_EQ(diagnostics[11].first, "cross_stitch/2/cc");
}

TEST(SoftQuickFcnTest, UniformInitGivesEachUnitPairsSummingToOne) {
  ModelSpec spec = SmallSpec("softquickfcn");
  spec.set_cross_stitch_init(CROSS_STITCH_UNIFORM);
  torch::manual_seed(5);
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  for (const CrossStitchUnit& unit : model->cross_stitch_units()) {
    const double a = unit->alpha_ss()[0].item<double>();
    EXPECT_GE(a, 0.05);
    EXPECT_LE(a, 0.95);
    EXPECT_TRUE(at::allclose(unit->alpha_ss() + unit->alpha_sc(), at::ones({kF})));
    EXPECT_TRUE(at::allclose(unit->alpha_cs() + unit->alpha_cc(), at::ones({kF})));
  }
}

TEST(SoftQuickFcnTest, SharesBothEncodersAndTheInnerAlphas) {
  auto model = Create<SoftQuickFcnImpl>(SmallSpec("softquickfcn"));
  ASSERT_NE(model, nullptr);
  int64_t shared = 0;
  for (const torch::Tensor& p : model->shared_parameters()) shared += p.numel();
  EXPECT_EQ(shared, 2 * SmallEncoder() + 2 * 4 * kF);
  EXPECT_EQ(NameOf(*model, model->last_shared_weight()),
            "segmentation.encoder.bottleneck.conv3.weight");
  ExpectBothTasksReachTheSharedParameters(*model);
  // Why the last unit is not shared: each of its alphas serves one task.
  const CrossStitchUnit last = model->cross_stitch_units().back();
  BackwardOneTask(*model, Task::kSegmentation);
  EXPECT_TRUE(HasGradient(last->alpha_ss()));
  EXPECT_FALSE(HasGradient(last->alpha_cs()));
  BackwardOneTask(*model, Task::kClassification);
  EXPECT_FALSE(HasGradient(last->alpha_sc()));
  EXPECT_TRUE(HasGradient(last->alpha_cc()));
}

TEST(SoftQuickFcnTest, GradientReachesEveryParameter) {
  torch::manual_seed(0);
  auto model = Create<SoftQuickFcnImpl>(SmallSpec("softquickfcn"));
  ASSERT_NE(model, nullptr);
  ExpectGradientReachesEveryParameter(*model);
}

TEST(SoftQuickFcnTest, PretrainingSpecsAreTheBranchesWithoutCrossStitchFields) {
  ModelSpec spec = SmallSpec("softquickfcn");
  spec.set_cross_stitch_self_weight(0.7);
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  const std::vector<ModelSpec> specs = model->pretraining_specs();
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name(), "quicknat");
  EXPECT_EQ(specs[1].name(), "quickclassifier");
  EXPECT_FALSE(specs[0].has_cross_stitch_self_weight());
  EXPECT_FALSE(specs[0].has_classification_classes());
  EXPECT_FALSE(specs[1].has_segmentation_classes());
  EXPECT_EQ(specs[0].filters(), spec.filters());
  EXPECT_EQ(specs[1].depth(), spec.depth());
  // Experiments that differ only in their cross-stitch settings share their pretraining.
  ModelSpec other = spec;
  other.set_cross_stitch_init(CROSS_STITCH_UNIFORM);
  other.set_cross_stitch_lr_multiplier(10);
  auto other_model = Create<SoftQuickFcnImpl>(other);
  ASSERT_NE(other_model, nullptr);
  EXPECT_EQ(other_model->pretraining_specs()[0].SerializeAsString(), specs[0].SerializeAsString());
  EXPECT_EQ(other_model->pretraining_specs()[1].SerializeAsString(), specs[1].SerializeAsString());
}

TEST(SoftQuickFcnTest, LoadedBranchesReproduceThePretrainedModelsAtIdentityAlphas) {
  ModelSpec spec = SmallSpec("softquickfcn");
  spec.set_cross_stitch_self_weight(1.0);
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  const std::vector<ModelSpec> specs = model->pretraining_specs();
  torch::manual_seed(3);
  auto seg = Create<QuickNatImpl>(specs[0]);
  auto cls = Create<QuickClassifierImpl>(specs[1]);
  ASSERT_NE(seg, nullptr);
  ASSERT_NE(cls, nullptr);
  const torch::Tensor images = MakeBatch().images;
  {
    // Training-mode passes move the batch-norm statistics, so buffers must be copied too.
    torch::NoGradGuard no_grad;
    for (int i = 0; i < 3; ++i) {
      seg->forward(images * (i + 2));
      cls->forward(images * (i + 2));
    }
  }
  ASSERT_TRUE(model->LoadPretrained({seg, cls}).ok());
  torch::NoGradGuard no_grad;
  model->eval();
  seg->eval();
  cls->eval();
  const ModelOutput soft = model->forward(images);
  EXPECT_TRUE(at::allclose(soft.segmentation, seg->forward(images).segmentation, 1e-5, 1e-5));
  EXPECT_TRUE(at::allclose(soft.classification, cls->forward(images).classification, 1e-5, 1e-5));
}

TEST(SoftQuickFcnTest, LoadBranchesNamesTheFirstMismatch) {
  auto model = Create<SoftQuickFcnImpl>(SmallSpec("softquickfcn"));
  ASSERT_NE(model, nullptr);
  ModelSpec seg_spec = model->pretraining_specs()[0];
  seg_spec.set_filters(4);
  auto seg = Create<QuickNatImpl>(seg_spec);
  auto cls = Create<QuickClassifierImpl>(model->pretraining_specs()[1]);
  ASSERT_NE(seg, nullptr);
  ASSERT_NE(cls, nullptr);
  const std::string probe = "classification.encoder.block0.dense.conv1.weight";
  const torch::Tensor before = model->named_parameters()[probe].clone();
  absl::Status status = LoadBranches(*model, *seg, *cls);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // norm1 sees the 1 input channel either way; norm2 sees 1 + F.
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("segmentation branch: parameter 'encoder.block0.dense.norm2.weight' has "
                        "shape [5] in the pretrained model, [9] in the branch"));
  // Nothing was copied, not even the classification branch that would have fitted.
  EXPECT_TRUE(at::equal(model->named_parameters()[probe], before));

  ModelSpec cls_spec = model->pretraining_specs()[1];
  cls_spec.set_csse(true);
  auto csse = Create<QuickClassifierImpl>(cls_spec);
  ASSERT_NE(csse, nullptr);
  auto good_seg = Create<QuickNatImpl>(model->pretraining_specs()[0]);
  ASSERT_NE(good_seg, nullptr);
  status = LoadBranches(*model, *good_seg, *csse);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("classification branch: the pretrained model has an extra parameter "
                        "'encoder.block0.dense.csse.fc1.weight'"));
  cls_spec = model->pretraining_specs()[1];
  cls_spec.set_head(HEAD_FLATTEN);
  auto flatten = Create<QuickClassifierImpl>(cls_spec);
  ASSERT_NE(flatten, nullptr);
  status = LoadBranches(*model, *good_seg, *flatten);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("classification branch: parameter 'classification_head.output.weight' "
                        "has shape [3, 25] in the pretrained model, [3, 8] in the branch"));

  EXPECT_FALSE(model->LoadPretrained({cls, seg}).ok());
  EXPECT_FALSE(model->LoadPretrained({good_seg}).ok());
}

TEST(SoftQuickFcnTest, OverfitsOneBatch) {
  torch::manual_seed(0);
  auto model = Create<SoftQuickFcnImpl>(SmallSpec("softquickfcn"));
  ASSERT_NE(model, nullptr);
  EXPECT_GT(StepsToOverfit(*model, 150), 0);
}

TEST(SoftQuickFcnTest, RejectsBadSpecsNamingTheField) {
  const std::vector<std::pair<std::function<void(ModelSpec&)>, std::string>> cases = {
      {[](ModelSpec& s) { s.set_input_height(30); }, "input_height"},
      {[](ModelSpec& s) { s.set_filters(0); }, "filters"},
      {[](ModelSpec& s) { s.set_head(CLASSIFIER_HEAD_UNSPECIFIED); }, "head"},
      {[](ModelSpec& s) { s.set_cross_stitch_init(CROSS_STITCH_INIT_UNSPECIFIED); },
       "cross_stitch_init"},
      {[](ModelSpec& s) { s.set_cross_stitch_self_weight(1.5); }, "cross_stitch_self_weight"},
      {[](ModelSpec& s) { s.set_cross_stitch_lr_multiplier(0); }, "cross_stitch_lr_multiplier"},
  };
  for (const auto& [edit, field] : cases) {
    ModelSpec spec = SmallSpec("softquickfcn");
    edit(spec);
    ExpectRejected(spec, field);
  }
}

}  // namespace
}  // namespace nerve_mtl::models
