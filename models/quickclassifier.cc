#include "models/quickclassifier.h"

#include <memory>

namespace nerve_mtl::models {

QuickClassifierImpl::QuickClassifierImpl(const ModelSpec& spec) : spec_(spec) { reset(); }

void QuickClassifierImpl::reset() {
  encoder_ = register_module("encoder", Encoder(EncoderOptionsFromSpec(spec_)));
  classification_head_ = register_module(
      "classification_head", ClassificationHead(ClassificationHeadOptionsFromSpec(spec_)));
}

ModelOutput QuickClassifierImpl::forward(const torch::Tensor& images) {
  ModelOutput out;
  out.classification = classification_head_(encoder_(images).bottleneck);
  return out;
}

absl::Status ValidateQuickClassifierSpec(const ModelSpec& spec) {
  if (absl::Status s = ValidateEncoderSpec(spec, /*needs_divisible_size=*/false); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateClassificationHeadSpec(spec); !s.ok()) return s;
  if (absl::Status s =
          RefuseIgnoredOptions(spec, {"segmentation_classes"}, "quickclassifier does not segment");
      !s.ok()) {
    return s;
  }
  return RefuseCrossStitchOptions(spec);
}

namespace {

const bool kRegistered = RegisterModel(
    "quickclassifier", {.classifies = true},
    [](const ModelSpec& spec) -> absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> {
      return std::make_shared<QuickClassifierImpl>(spec);
    },
    ValidateQuickClassifierSpec);

}  // namespace
}  // namespace nerve_mtl::models
