// Tests of soft sharing: //models:softquickfcn, its cross-stitch parameter group, its
// pretraining protocol and the original's variant.
#include "models/softquickfcn.h"

#include <ATen/Functions.h>
// The module headers use the functional ones without including them.
#include <torch/nn/functional/batchnorm.h>
#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/instancenorm.h>
#include <torch/utils.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "models/quickclassifier.h"
#include "models/quicknat.h"
#include "models/test_util.h"

namespace nerve_mtl::models {
namespace {

using model_testing::BackwardOneTask;
using model_testing::Create;
using model_testing::ExpectBothTasksReachTheSharedParameters;
using model_testing::ExpectGradientReachesEveryParameter;
using model_testing::ExpectRejected;
using model_testing::HasGradient;
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
using model_testing::Task;
using ::testing::HasSubstr;

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
  spec.set_cross_stitch_learning_rate(0.02);
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  const std::vector<ParameterGroup> groups = model->parameter_groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "cross_stitch");
  // An absolute rate, not a multiple of the base rate.
  ASSERT_TRUE(groups[0].learning_rate.has_value());
  EXPECT_DOUBLE_EQ(*groups[0].learning_rate, 0.02);
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

// Each unit draws its own a and b (blocks_test.cc checks their distribution).
TEST(SoftQuickFcnTest, UniformInitGivesEachUnitItsOwnDraws) {
  ModelSpec spec = SmallSpec("softquickfcn");
  spec.set_cross_stitch_init(CROSS_STITCH_UNIFORM);
  torch::manual_seed(5);
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  std::vector<double> draws;
  for (const CrossStitchUnit& unit : model->cross_stitch_units()) {
    for (const torch::Tensor& self : {unit->alpha_ss(), unit->alpha_cc()}) {
      draws.push_back(self[0].item<double>());
      EXPECT_GE(draws.back(), 0.05 - 1e-7);
      EXPECT_LE(draws.back(), 0.95 + 1e-7);
    }
    EXPECT_TRUE(at::allclose(unit->alpha_ss() + unit->alpha_sc(), at::ones({kF})));
    EXPECT_TRUE(at::allclose(unit->alpha_cs() + unit->alpha_cc(), at::ones({kF})));
  }
  ASSERT_EQ(draws.size(), 6u);
  std::sort(draws.begin(), draws.end());
  EXPECT_EQ(std::unique(draws.begin(), draws.end()), draws.end()) << "six distinct draws";
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
  // Two encoders, no one representation both heads read: MGDA-UB refuses it.
  EXPECT_FALSE(model->exposes_shared_representation());
  model->forward(MakeBatch().images);
  EXPECT_TRUE(model->shared_representation().empty());
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
  other.clear_cross_stitch_self_weight();  // The uniform init has no self weight.
  other.set_cross_stitch_init(CROSS_STITCH_UNIFORM);
  other.set_cross_stitch_learning_rate(0.5);
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
      {[](ModelSpec& s) { s.set_cross_stitch_learning_rate(0); }, "cross_stitch_learning_rate"},
      {[](ModelSpec& s) {
         s.set_cross_stitch_init(CROSS_STITCH_UNIFORM);
         s.set_cross_stitch_self_weight(0.8);
       },
       "cross_stitch_self_weight"},
  };
  for (const auto& [edit, field] : cases) {
    ModelSpec spec = SmallSpec("softquickfcn");
    edit(spec);
    ExpectRejected(spec, field);
  }
}

// --- The original's variant at the study's scale ---

// What a study row sets for the original SoftQuickFCN (DESIGN.md): 3 encoder blocks, half the
// study's 16 filters, InstanceNorm without affine parameters (PyTorch's default), dropout 0.05,
// squeeze-excitation in every block, the original's uniform alpha init and alpha rate. The
// study's base adds kernel_size 3; its data, 48x48 single-channel images.
constexpr char kOriginalSoftQuickFcn[] = R"pb(
  name: "softquickfcn"
  depth: 3
  filters: 8
  normalization: INSTANCE_NORM
  normalization_affine: false
  dropout: 0.05
  csse: true
  cross_stitch_init: CROSS_STITCH_UNIFORM
  cross_stitch_learning_rate: 0.01
)pb";

ModelSpec OriginalAtStudyScale() {
  ModelSpec spec;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kOriginalSoftQuickFcn, &spec));
  spec.set_kernel_size(3);
  spec.set_input_height(48);
  spec.set_input_width(48);
  return spec;
}

// Every module of `model` of type Impl, by name.
template <typename Impl>
std::vector<std::pair<std::string, std::shared_ptr<Impl>>> ModulesOf(torch::nn::Module& model) {
  std::vector<std::pair<std::string, std::shared_ptr<Impl>>> found;
  for (const auto& item : model.named_modules()) {
    if (auto typed = std::dynamic_pointer_cast<Impl>(item.value())) {
      found.emplace_back(item.key(), typed);
    }
  }
  return found;
}

TEST(SoftQuickFcnTest, OriginalVariantHasTheOriginalsLayers) {
  torch::manual_seed(0);
  auto model = Create<SoftQuickFcnImpl>(OriginalAtStudyScale());
  ASSERT_NE(model, nullptr);
  // By hand (F = 8, k = 3, no norm parameters). Dense blocks: with 1 input channel
  // (72 + 8) + (648 + 8) + (136 + 8) + 1 PReLU slope = 881; with 8, 584 + 1160 + 200 + 1 = 1945;
  // decoder blocks with 16, 1160 + 1736 + 264 + 1 = 3161. CSSE: 8->4 (36), 4->8 (40),
  // 8->1 1x1 conv (9) = 85 after each of the 7 + 4 dense blocks. Segmentation branch: encoder
  // 881 + 3 * 1945 = 6716, decoder 3 * 3161 = 9483, CSSE 7 * 85 = 595, 1x1 head 18: 16812.
  // Classification branch: encoder 6716, CSSE 4 * 85 = 340, pooled head 8 * 3 + 3 = 27: 7083.
  // Cross-stitch: 4 units of 4 alphas over 8 channels = 128. Total 24023.
  EXPECT_EQ(CountParameters(*model), 24023);
  EXPECT_EQ(model->cross_stitch_units().size(), 4u);

  // InstanceNorm without affine parameters or running statistics, everywhere.
  const auto norms = ModulesOf<torch::nn::InstanceNorm2dImpl>(*model);
  EXPECT_EQ(norms.size(), 3u * (7 + 4));
  for (const auto& [name, norm] : norms) {
    EXPECT_FALSE(norm->options.affine()) << name;
    EXPECT_FALSE(norm->options.track_running_stats()) << name;
  }
  EXPECT_TRUE(ModulesOf<torch::nn::BatchNorm2dImpl>(*model).empty());
  EXPECT_TRUE(model->named_buffers().is_empty());
  // Squeeze-excitation after every dense block of both branches.
  EXPECT_EQ(ModulesOf<ChannelSpatialSEImpl>(*model).size(), 7u + 4u);
  // Dropout 0.05 after every encoder and decoder block.
  const auto dropouts = ModulesOf<torch::nn::Dropout2dImpl>(*model);
  EXPECT_EQ(dropouts.size(), 3u + 3u + 3u);
  for (const auto& [name, dropout] : dropouts) EXPECT_DOUBLE_EQ(dropout->options.p(), 0.05) << name;

  for (const CrossStitchUnit& unit : model->cross_stitch_units()) {
    EXPECT_EQ(unit->options().init(), CROSS_STITCH_UNIFORM);
  }
  ASSERT_EQ(model->parameter_groups().size(), 1u);
  EXPECT_DOUBLE_EQ(model->parameter_groups()[0].learning_rate.value_or(0), 0.01);

  // One image at a time works: instance statistics need no batch.
  const ModelOutput out = model->forward(at::randn({1, 1, 48, 48}));
  EXPECT_EQ(out.segmentation.sizes(), (std::vector<int64_t>{1, 2, 48, 48}));
  EXPECT_EQ(out.classification.sizes(), (std::vector<int64_t>{1, 3}));
}

TEST(SoftQuickFcnTest, OriginalVariantsPretrainingSpecsBuildTheSameBranches) {
  const ModelSpec spec = OriginalAtStudyScale();
  auto model = Create<SoftQuickFcnImpl>(spec);
  ASSERT_NE(model, nullptr);
  const std::vector<ModelSpec> specs = model->pretraining_specs();
  ASSERT_EQ(specs.size(), 2u);
  for (const ModelSpec& branch : specs) {
    SCOPED_TRACE(branch.name());
    EXPECT_EQ(branch.depth(), 3);
    EXPECT_EQ(branch.filters(), 8);
    EXPECT_EQ(branch.normalization(), INSTANCE_NORM);
    EXPECT_FALSE(branch.normalization_affine());
    EXPECT_DOUBLE_EQ(branch.dropout(), 0.05);
    EXPECT_TRUE(branch.csse());
    EXPECT_TRUE(ValidateModelSpec(branch).ok()) << ValidateModelSpec(branch);
  }
  auto seg = Create<QuickNatImpl>(specs[0]);
  auto cls = Create<QuickClassifierImpl>(specs[1]);
  ASSERT_NE(seg, nullptr);
  ASSERT_NE(cls, nullptr);
  EXPECT_TRUE(model->LoadPretrained({seg, cls}).ok());
}

}  // namespace
}  // namespace nerve_mtl::models
