// QuickNAT (Roy et al. 2018): the segmentation baseline, registered as "quicknat".
#ifndef NERVE_MTL_MODELS_QUICKNAT_H_
#define NERVE_MTL_MODELS_QUICKNAT_H_

#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "absl/status/status.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

// Encoder (spec.depth() dense blocks with pooling, bottleneck), decoder (spec.depth() dense
// blocks with unpooling and skips), 1x1 convolution to spec.segmentation_classes() logits.
// Children: encoder, decoder, segmentation_head. Output: .segmentation only.
class QuickNatImpl : public MultitaskModelImpl {
 public:
  // `spec` must pass ValidateQuickNatSpec (CreateModel runs it first).
  explicit QuickNatImpl(const ModelSpec& spec);
  void reset();
  ModelOutput forward(const torch::Tensor& images) override;
  bool segments() const override { return true; }
  bool classifies() const override { return false; }

  const ModelSpec& spec() const { return spec_; }
  // Step-by-step access for soft sharing.
  Encoder encoder() const { return encoder_; }
  Decoder decoder() const { return decoder_; }
  torch::nn::Conv2d segmentation_head() const { return segmentation_head_; }

 private:
  ModelSpec spec_;
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
  torch::nn::Conv2d segmentation_head_{nullptr};
};
TORCH_MODULE(QuickNat);

// The registered validator: checks the options without building anything; errors name the
// field ("model.input_height: 100 is not divisible by 2^depth = 16 ..."). Refuses options
// quicknat would ignore (a classifier head, cross-stitch units).
absl::Status ValidateQuickNatSpec(const ModelSpec& spec);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_QUICKNAT_H_
