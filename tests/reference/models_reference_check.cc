// Parity with the reference implementations: QuickNAT as in Roy et al.'s PyTorch code and
// ResNet-18 as in torchvision. make_models_golden.py ran them in PyTorch with random weights
// and wrote weights (under the C++ parameter names), inputs and outputs to models_golden.pt;
// here the C++ modules load those weights by name and must reproduce the outputs.
#include <ATen/Functions.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "models/blocks.h"
#include "models/model_spec.pb.h"
#include "models/quicknat.h"
#include "models/resultnet.h"

namespace nerve_mtl::models {
namespace {

constexpr char kGolden[] = "tests/reference/models_golden.pt";

std::map<std::string, torch::Tensor> LoadGolden() {
  std::ifstream file(kGolden, std::ios::binary);
  EXPECT_TRUE(file.good()) << kGolden;
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
  std::map<std::string, torch::Tensor> golden;
  for (const auto& entry : torch::pickle_load(bytes).toGenericDict()) {
    golden[entry.key().toStringRef()] = entry.value().toTensor();
  }
  return golden;
}

// Copies "<prefix>.state.<name>" into every parameter and buffer of `module`; every such
// golden tensor must be used, so the name mapping is complete both ways.
void LoadState(const std::map<std::string, torch::Tensor>& golden, const std::string& prefix,
               torch::nn::Module& module) {
  const std::string state = prefix + ".state.";
  std::set<std::string> unused;
  for (const auto& [name, tensor] : golden) {
    if (name.rfind(state, 0) == 0) unused.insert(name.substr(state.size()));
  }
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
  load(module.named_buffers());
  for (const std::string& name : unused) ADD_FAILURE() << prefix << ": unused golden " << name;
}

void ExpectClose(const torch::Tensor& actual, const torch::Tensor& expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  const double max_error = (actual - expected).abs().max().item<double>();
  EXPECT_TRUE(at::allclose(actual, expected, /*rtol=*/1e-4, /*atol=*/1e-5))
      << "max abs error " << max_error;
}

TEST(QuickNatReferenceTest, MatchesThePyTorchReference) {
  const std::map<std::string, torch::Tensor> golden = LoadGolden();
  ModelSpec spec;
  spec.set_filters(4);
  spec.set_kernel_size(3);
  spec.set_depth(4);
  spec.set_input_height(32);
  spec.set_input_width(32);
  QuickNat model(spec);
  LoadState(golden, "quicknat", *model);
  model->eval();
  torch::NoGradGuard no_grad;
  ExpectClose(model->forward(golden.at("quicknat.input")).segmentation,
              golden.at("quicknat.output"));
}

TEST(QuickNatReferenceTest, EncoderBlockWithSqueezeExcitationMatches) {
  const std::map<std::string, torch::Tensor> golden = LoadGolden();
  EncoderBlock block(EncoderBlockOptions(DenseBlockOptions(3, 4).kernel_size(3).csse(true)));
  LoadState(golden, "csse_block", *block);
  block->eval();
  torch::NoGradGuard no_grad;
  const EncoderBlockOutput out = block(golden.at("csse_block.input"));
  ExpectClose(out.features, golden.at("csse_block.features"));
  ExpectClose(out.pooled, golden.at("csse_block.pooled"));
  EXPECT_TRUE(at::equal(out.indices, golden.at("csse_block.indices")));
}

TEST(ResultNetReferenceTest, MatchesTorchvisionResNet18) {
  const std::map<std::string, torch::Tensor> golden = LoadGolden();
  ModelSpec spec;
  spec.set_input_channels(2);
  spec.set_resnet_width(2);
  spec.set_classification_classes(3);
  ResultNet model(spec);
  LoadState(golden, "resnet", *model);
  model->eval();
  torch::NoGradGuard no_grad;
  ExpectClose(model->forward(golden.at("resnet.input")).classification, golden.at("resnet.output"));
}

}  // namespace
}  // namespace nerve_mtl::models
