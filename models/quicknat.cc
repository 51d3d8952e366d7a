#include "models/quicknat.h"

#include <memory>

#include "models/conv.h"

namespace nerve_mtl::models {

QuickNatImpl::QuickNatImpl(const ModelSpec& spec) : spec_(spec) { reset(); }

void QuickNatImpl::reset() {
  const EncoderOptions options = EncoderOptionsFromSpec(spec_);
  encoder_ = register_module("encoder", Encoder(options));
  decoder_ = register_module("decoder", Decoder(options));
  segmentation_head_ =
      register_module("segmentation_head", MakeConv2d(torch::nn::Conv2dOptions(
                                               spec_.filters(), spec_.segmentation_classes(), 1)));
}

ModelOutput QuickNatImpl::forward(const torch::Tensor& images) {
  EncoderOutput encoded = encoder_(images);
  ModelOutput out;
  out.segmentation =
      segmentation_head_(decoder_(encoded.bottleneck, encoded.features, encoded.indices));
  return out;
}

absl::Status ValidateQuickNatSpec(const ModelSpec& spec) {
  if (absl::Status s = ValidateEncoderSpec(spec, /*needs_divisible_size=*/true); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSegmentationSpec(spec); !s.ok()) return s;
  if (absl::Status s =
          RefuseIgnoredOptions(spec, {"head", "head_hidden"}, "quicknat has no classifier head");
      !s.ok()) {
    return s;
  }
  return RefuseCrossStitchOptions(spec);
}

namespace {

const bool kRegistered = RegisterModel(
    "quicknat", {.segments = true},
    [](const ModelSpec& spec) -> absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> {
      return std::make_shared<QuickNatImpl>(spec);
    },
    ValidateQuickNatSpec);

}  // namespace
}  // namespace nerve_mtl::models
