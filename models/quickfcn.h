// QuickFCN: hard parameter sharing, registered as "quickfcn" (docs/DESIGN.md section 1).
#ifndef NERVE_MTL_MODELS_QUICKFCN_H_
#define NERVE_MTL_MODELS_QUICKFCN_H_

#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "absl/status/status.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

// QuickNAT with a classifier head on its bottleneck: one encoder serves both tasks.
// Children: encoder, decoder, segmentation_head (as in QuickNat), classification_head (as in
// QuickClassifier), so either single-task model's weights load by name.
class QuickFcnImpl : public MultitaskModelImpl {
 public:
  // `spec` must pass ValidateQuickFcnSpec (CreateModel runs it first).
  explicit QuickFcnImpl(const ModelSpec& spec);
  void reset();
  ModelOutput forward(const torch::Tensor& images) override;
  bool segments() const override { return true; }
  bool classifies() const override { return true; }
  // The encoder with its bottleneck: everything both losses reach.
  std::vector<torch::Tensor> shared_parameters() override;
  // The bottleneck dense block's 1x1 convolution weight, the last convolution both tasks
  // share (with CSSE on, the block's small squeeze-excitation layers come after it).
  torch::Tensor last_shared_weight() override;
  bool exposes_shared_representation() const override { return true; }
  // The bottleneck and the pre-pool features of every encoder block (the decoder's skips).
  std::vector<torch::Tensor> shared_representation() override { return representation_; }

  const ModelSpec& spec() const { return spec_; }
  Encoder encoder() const { return encoder_; }
  Decoder decoder() const { return decoder_; }
  torch::nn::Conv2d segmentation_head() const { return segmentation_head_; }
  ClassificationHead classification_head() const { return classification_head_; }

 private:
  ModelSpec spec_;
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
  torch::nn::Conv2d segmentation_head_{nullptr};
  ClassificationHead classification_head_{nullptr};
  std::vector<torch::Tensor> representation_;
};
TORCH_MODULE(QuickFcn);

// The registered validator; refuses cross-stitch options, which only soft sharing has.
absl::Status ValidateQuickFcnSpec(const ModelSpec& spec);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_QUICKFCN_H_
