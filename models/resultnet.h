// ResNet-18 (He et al. 2016), the classification baseline, registered as "resultnet".
#ifndef NERVE_MTL_MODELS_RESULTNET_H_
#define NERVE_MTL_MODELS_RESULTNET_H_

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "absl/status/status.h"
#include "models/model.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

// torchvision's resnet18 with spec.input_channels() input channels, stage widths w, 2w, 4w, 8w
// (w = spec.resnet_width()) and spec.classification_classes() outputs: 7x7 stride-2 conv, BN,
// ReLU, 3x3 stride-2 max-pool, BasicBlock stages [2, 2, 2, 2], adaptive average pooling, FC.
// Any input size. Always batch norm (spec.normalization() configures the QuickNAT family).
// Children and initialisation follow torchvision (conv1, bn1, layer1..layer4, fc; Kaiming-normal
// convolutions), so its weights could load by name. Output: .classification only.
class ResultNetImpl : public MultitaskModelImpl {
 public:
  // `spec` must pass ValidateResultNetSpec (CreateModel runs it first).
  explicit ResultNetImpl(const ModelSpec& spec);
  void reset();
  ModelOutput forward(const torch::Tensor& images) override;
  bool segments() const override { return false; }
  bool classifies() const override { return true; }

  const ModelSpec& spec() const { return spec_; }

 private:
  ModelSpec spec_;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::Sequential layer1_{nullptr}, layer2_{nullptr}, layer3_{nullptr}, layer4_{nullptr};
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(ResultNet);

// The registered validator; refuses options of the QuickNAT family's parts it lacks (a classifier
// head, segmentation classes, cross-stitch units). Encoder options (filters, depth, ...) pass:
// a study's base sets them for every row.
absl::Status ValidateResultNetSpec(const ModelSpec& spec);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_RESULTNET_H_
