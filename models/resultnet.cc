#include "models/resultnet.h"

#include <torch/nn/init.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "models/conv.h"

namespace nerve_mtl::models {
namespace {

torch::nn::Conv2d Conv(int64_t in, int64_t out, int64_t kernel_size, int64_t stride) {
  return MakeConv2d(torch::nn::Conv2dOptions(in, out, kernel_size)
                        .stride(stride)
                        .padding(kernel_size / 2)
                        .bias(false));
}

// conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN, plus the input (through a 1x1 conv and BN
// where the shape changes), then ReLU.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride)
      : conv1_(register_module("conv1", Conv(in, out, 3, stride))),
        bn1_(register_module("bn1", torch::nn::BatchNorm2d(out))),
        conv2_(register_module("conv2", Conv(out, out, 3, 1))),
        bn2_(register_module("bn2", torch::nn::BatchNorm2d(out))) {
    if (stride != 1 || in != out) {
      downsample_ = register_module(
          "downsample",
          torch::nn::Sequential(Conv(in, out, 1, stride), torch::nn::BatchNorm2d(out)));
    }
  }

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor out = bn2_(conv2_(torch::relu(bn1_(conv1_(x)))));
    return torch::relu(out + (downsample_ ? downsample_->forward(x) : x));
  }

 private:
  torch::nn::Conv2d conv1_;
  torch::nn::BatchNorm2d bn1_;
  torch::nn::Conv2d conv2_;
  torch::nn::BatchNorm2d bn2_;
  torch::nn::Sequential downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

torch::nn::Sequential Stage(int64_t in, int64_t out, int64_t stride) {
  return torch::nn::Sequential(BasicBlock(in, out, stride), BasicBlock(out, out, 1));
}

}  // namespace

ResultNetImpl::ResultNetImpl(const ModelSpec& spec) : spec_(spec) { reset(); }

void ResultNetImpl::reset() {
  const int64_t w = spec_.resnet_width();
  conv1_ = register_module("conv1", Conv(spec_.input_channels(), w, 7, 2));
  bn1_ = register_module("bn1", torch::nn::BatchNorm2d(w));
  layer1_ = register_module("layer1", Stage(w, w, 1));
  layer2_ = register_module("layer2", Stage(w, 2 * w, 2));
  layer3_ = register_module("layer3", Stage(2 * w, 4 * w, 2));
  layer4_ = register_module("layer4", Stage(4 * w, 8 * w, 2));
  fc_ = register_module("fc", torch::nn::Linear(8 * w, spec_.classification_classes()));
  // torchvision's initialisation (LibTorch's BatchNorm already starts at weight 1, bias 0).
  torch::NoGradGuard no_grad;
  for (const auto& item : named_parameters()) {
    const bool is_conv_weight = item.value().dim() == 4;
    if (is_conv_weight) {
      torch::nn::init::kaiming_normal_(item.value(), /*a=*/0.0, torch::kFanOut, torch::kReLU);
    }
  }
}

ModelOutput ResultNetImpl::forward(const torch::Tensor& images) {
  torch::Tensor x = torch::relu(bn1_(conv1_(images)));
  x = torch::max_pool2d(x, /*kernel_size=*/{3, 3}, /*stride=*/{2, 2}, /*padding=*/{1, 1});
  x = layer4_->forward(layer3_->forward(layer2_->forward(layer1_->forward(x))));
  ModelOutput out;
  out.classification = fc_(x.mean({2, 3}));
  return out;
}

absl::Status ValidateResultNetSpec(const ModelSpec& spec) {
  const std::pair<const char*, int64_t> minimums[] = {
      {"input_channels", spec.input_channels()},
      {"resnet_width", spec.resnet_width()},
      {"classification_classes", spec.classification_classes()}};
  for (const auto& [field, value] : minimums) {
    if (value < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.", field, ": must be >= 1, got ", value));
    }
  }
  if (absl::Status s = RefuseIgnoredOptions(
          spec, {"head", "head_hidden"},
          "resultnet's classifier is its own (global average pooling, then one linear layer)");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          RefuseIgnoredOptions(spec, {"segmentation_classes"}, "resultnet does not segment");
      !s.ok()) {
    return s;
  }
  return RefuseCrossStitchOptions(spec);
}

namespace {

const bool kRegistered = RegisterModel(
    "resultnet", {.classifies = true},
    [](const ModelSpec& spec) -> absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> {
      return std::make_shared<ResultNetImpl>(spec);
    },
    ValidateResultNetSpec);

}  // namespace
}  // namespace nerve_mtl::models
