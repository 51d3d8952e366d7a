// The QuickNAT encoder as a single-task classifier, registered as "quickclassifier": the
// classification branch that SoftQuickFCN pretrains on its own (docs/DESIGN.md section 1).
#ifndef NERVE_MTL_MODELS_QUICKCLASSIFIER_H_
#define NERVE_MTL_MODELS_QUICKCLASSIFIER_H_

#include <torch/nn/pimpl.h>

#include "absl/status/status.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

// Encoder (spec.depth() dense blocks with pooling, bottleneck) -> classifier head (spec.head()).
// Children: encoder, classification_head (the same names as in QuickFcn). Output:
// .classification only.
class QuickClassifierImpl : public MultitaskModelImpl {
 public:
  // `spec` must pass ValidateQuickClassifierSpec (CreateModel runs it first).
  explicit QuickClassifierImpl(const ModelSpec& spec);
  void reset();
  ModelOutput forward(const torch::Tensor& images) override;
  bool segments() const override { return false; }
  bool classifies() const override { return true; }

  const ModelSpec& spec() const { return spec_; }
  // Step-by-step access for soft sharing.
  Encoder encoder() const { return encoder_; }
  ClassificationHead classification_head() const { return classification_head_; }

 private:
  ModelSpec spec_;
  Encoder encoder_{nullptr};
  ClassificationHead classification_head_{nullptr};
};
TORCH_MODULE(QuickClassifier);

// The input size needs to be divisible by 2^depth only for HEAD_FLATTEN.
// Refuses options it would ignore (segmentation_classes, cross-stitch units).
absl::Status ValidateQuickClassifierSpec(const ModelSpec& spec);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_QUICKCLASSIFIER_H_
