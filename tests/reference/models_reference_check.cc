// Parity with the PyTorch definitions in reference_models.py: QuickNAT as in Roy et al.'s
// code, ResNet-18 as in torchvision, QuickFCN (both heads), QuickClassifier and SoftQuickFCN
// (cross-stitch units) as models/*.h define them. make_models_golden.py ran them in PyTorch
// with random weights, in eval mode, and wrote weights (under the C++ parameter names), inputs,
// outputs and parameter counts to one file; here every C++ model, built from its registered
// name, loads those weights by name and must reproduce the outputs (max abs difference
// <= 1e-4) and the parameter count.
//
// Run through models_reference_test.sh, which writes the golden file first:
//   models_reference_check GOLDEN_FILE [--gtest_filter=...]
#include <ATen/Functions.h>
#include <torch/utils.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "tests/reference/golden.h"

namespace nerve_mtl::models {
namespace {

constexpr double kTolerance = 1e-4;

using reference_testing::Golden;
using reference_testing::LoadGolden;

const torch::Tensor& At(const Golden& golden, const std::string& key) {
  static const torch::Tensor* undefined = new torch::Tensor;
  const auto it = golden.find(key);
  if (it == golden.end()) {
    ADD_FAILURE() << "no golden tensor " << key;
    return *undefined;
  }
  return it->second;
}

// Copies "<prefix>.state.<name>" into every parameter and buffer of `module`; every such
// golden tensor must be used, so the name mapping is complete both ways.
void LoadState(const Golden& golden, const std::string& prefix, torch::nn::Module& module) {
  const std::string state = prefix + ".state.";
  std::set<std::string> unused;
  for (const auto& [name, tensor] : golden) {
    if (name.rfind(state, 0) == 0) unused.insert(name.substr(state.size()));
  }
  ASSERT_FALSE(unused.empty()) << "no golden weights for " << prefix;
  torch::NoGradGuard no_grad;
  auto load = [&](const torch::OrderedDict<std::string, torch::Tensor>& tensors) {
    for (const auto& item : tensors) {
      const auto it = golden.find(state + item.key());
      ASSERT_NE(it, golden.end()) << "no golden tensor for " << prefix << " " << item.key();
      ASSERT_EQ(it->second.sizes(), item.value().sizes()) << item.key();
      item.value().copy_(it->second);
      unused.erase(item.key());
    }
  };
  load(module.named_parameters());
  if (testing::Test::HasFatalFailure()) return;
  load(module.named_buffers());
  if (testing::Test::HasFatalFailure()) return;
  for (const std::string& name : unused) ADD_FAILURE() << prefix << ": unused golden " << name;
}

// Max abs difference <= kTolerance; prints it, for the record.
void ExpectClose(const std::string& what, const torch::Tensor& actual,
                 const torch::Tensor& expected) {
  ASSERT_TRUE(actual.defined()) << what << ": the C++ model gave no output";
  ASSERT_EQ(actual.sizes(), expected.sizes()) << what;
  const double max_error = (actual - expected).abs().max().item<double>();
  std::printf("%-34s max abs difference %.3g (max |output| %.3g)\n", what.c_str(), max_error,
              expected.abs().max().item<double>());
  EXPECT_LE(max_error, kTolerance) << what;
}

// Builds spec.name() from the registry, loads the golden weights of `prefix`, and compares
// the parameter count and the eval-mode outputs with PyTorch's.
void ExpectMatchesReference(const std::string& prefix, const ModelSpec& spec) {
  const Golden& golden = LoadGolden();
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> created = CreateModel(spec);
  ASSERT_TRUE(created.ok()) << created.status();
  MultitaskModelImpl& model = **created;

  const int64_t expected_count = At(golden, prefix + ".parameters").item<int64_t>();
  EXPECT_EQ(CountParameters(model), expected_count) << prefix << " parameter count";
  std::printf("%-34s parameters C++ %lld, PyTorch %lld\n", prefix.c_str(),
              static_cast<long long>(CountParameters(model)),
              static_cast<long long>(expected_count));

  ASSERT_NO_FATAL_FAILURE(LoadState(golden, prefix, model));
  model.eval();
  torch::NoGradGuard no_grad;
  const ModelOutput out = model.forward(At(golden, prefix + ".input"));
  bool compared = false;
  for (const char* task : {"segmentation", "classification"}) {
    const std::string key = prefix + "." + task;
    const torch::Tensor& actual =
        std::string(task) == "segmentation" ? out.segmentation : out.classification;
    if (golden.count(key) == 0) {
      EXPECT_FALSE(actual.defined()) << prefix << " has a " << task << " output PyTorch has not";
      continue;
    }
    ExpectClose(key, actual, golden.at(key));
    compared = true;
  }
  EXPECT_TRUE(compared) << prefix << ": no output to compare";
}

ModelSpec SmallSpec(const std::string& name, int channels, int height, int width, int depth) {
  ModelSpec spec;
  spec.set_name(name);
  spec.set_input_channels(channels);
  spec.set_input_height(height);
  spec.set_input_width(width);
  spec.set_filters(8);
  spec.set_kernel_size(3);
  spec.set_depth(depth);
  return spec;
}

// The specs below mirror the cases of make_models_golden.py.

TEST(ReferenceParityTest, QuickNat) {
  ExpectMatchesReference("quicknat", SmallSpec("quicknat", 1, 32, 32, 4));
}

TEST(ReferenceParityTest, QuickNatWithEveryDefault) {
  ModelSpec spec;
  spec.set_name("quicknat");
  spec.set_input_height(16);
  spec.set_input_width(16);
  ASSERT_EQ(spec.filters(), 64);
  ASSERT_EQ(spec.kernel_size(), 5);
  ASSERT_EQ(spec.depth(), 4);
  ExpectMatchesReference("quicknat_default", spec);
}

TEST(ReferenceParityTest, QuickFcnWithFlattenHead) {
  ModelSpec spec = SmallSpec("quickfcn", 1, 32, 32, 4);
  spec.set_head(HEAD_FLATTEN);
  spec.set_head_hidden(25);
  ExpectMatchesReference("quickfcn_flatten", spec);
}

TEST(ReferenceParityTest, QuickFcnWithGlobalAveragePoolHeadAndSqueezeExcitation) {
  ModelSpec spec = SmallSpec("quickfcn", 2, 24, 40, 3);
  spec.set_head(HEAD_GLOBAL_AVERAGE_POOL);
  spec.set_csse(true);
  ExpectMatchesReference("quickfcn_gap", spec);
}

TEST(ReferenceParityTest, QuickClassifierAtOddSizes) {
  ExpectMatchesReference("quickclassifier", SmallSpec("quickclassifier", 1, 36, 28, 3));
}

TEST(ReferenceParityTest, SoftQuickFcn) {
  ModelSpec spec = SmallSpec("softquickfcn", 1, 32, 32, 4);
  spec.set_head(HEAD_FLATTEN);
  spec.set_head_hidden(25);
  ExpectMatchesReference("softquickfcn", spec);
}

TEST(ReferenceParityTest, ResultNetMatchesTorchvisionResNet18) {
  ModelSpec spec;
  spec.set_name("resultnet");
  spec.set_input_channels(2);
  spec.set_resnet_width(2);
  spec.set_classification_classes(3);
  ExpectMatchesReference("resnet", spec);
}

TEST(ReferenceParityTest, EncoderBlockWithSqueezeExcitation) {
  const Golden& golden = LoadGolden();
  EncoderBlock block(EncoderBlockOptions(DenseBlockOptions(3, 4).kernel_size(3).csse(true)));
  ASSERT_NO_FATAL_FAILURE(LoadState(golden, "csse_block", *block));
  block->eval();
  torch::NoGradGuard no_grad;
  const EncoderBlockOutput out = block(At(golden, "csse_block.input"));
  ExpectClose("csse_block.features", out.features, At(golden, "csse_block.features"));
  ExpectClose("csse_block.pooled", out.pooled, At(golden, "csse_block.pooled"));
  EXPECT_TRUE(at::equal(out.indices, At(golden, "csse_block.indices")));
}

}  // namespace
}  // namespace nerve_mtl::models

int main(int argc, char** argv) {
  return nerve_mtl::reference_testing::GoldenCheckMain(argc, argv);
}
