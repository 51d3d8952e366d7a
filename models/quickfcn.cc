#include "models/quickfcn.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <memory>
#include <utility>

#include "models/conv.h"

namespace nerve_mtl::models {

QuickFcnImpl::QuickFcnImpl(const ModelSpec& spec) : spec_(spec) { reset(); }

void QuickFcnImpl::reset() {
  const EncoderOptions options = EncoderOptionsFromSpec(spec_);
  encoder_ = register_module("encoder", Encoder(options));
  decoder_ = register_module("decoder", Decoder(options));
  segmentation_head_ =
      register_module("segmentation_head", MakeConv2d(torch::nn::Conv2dOptions(
                                               spec_.filters(), spec_.segmentation_classes(), 1)));
  classification_head_ = register_module(
      "classification_head", ClassificationHead(ClassificationHeadOptionsFromSpec(spec_)));
}

ModelOutput QuickFcnImpl::forward(const torch::Tensor& images) {
  EncoderOutput encoded = encoder_(images);
  representation_.clear();
  // Kept only where a backward follows: an evaluation pass would hold its feature maps for
  // nothing.
  if (is_training() && torch::GradMode::is_enabled()) {
    // The skips as the decoder reads them: aliases, so that a gradient with respect to one is
    // the decoder's use of it alone, not also the deeper encoder its pooled map feeds (which
    // reaches the bottleneck, and the classifier through it). Same values, same gradients.
    for (torch::Tensor& skip : encoded.features) skip = skip.view_as(skip);
    representation_ = encoded.features;
    representation_.push_back(encoded.bottleneck);
  }
  ModelOutput out;
  out.segmentation =
      segmentation_head_(decoder_(encoded.bottleneck, encoded.features, encoded.indices));
  out.classification = classification_head_(encoded.bottleneck);
  return out;
}

std::vector<torch::Tensor> QuickFcnImpl::shared_parameters() {
  return encoder_->parameters(/*recurse=*/true);
}

torch::Tensor QuickFcnImpl::last_shared_weight() { return encoder_->bottleneck()->conv3()->weight; }

absl::Status ValidateQuickFcnSpec(const ModelSpec& spec) {
  if (absl::Status s = ValidateEncoderSpec(spec, /*needs_divisible_size=*/true); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSegmentationSpec(spec); !s.ok()) return s;
  if (absl::Status s = ValidateClassificationHeadSpec(spec); !s.ok()) return s;
  return RefuseCrossStitchOptions(spec);
}

namespace {

const bool kRegistered = RegisterModel(
    "quickfcn", {.segments = true, .classifies = true, .shared_representation = true},
    [](const ModelSpec& spec) -> absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> {
      return std::make_shared<QuickFcnImpl>(spec);
    },
    ValidateQuickFcnSpec);

}  // namespace
}  // namespace nerve_mtl::models
