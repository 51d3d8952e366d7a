#include "losses/segmentation_loss.h"

#include <ATen/TensorOperators.h>
#include <c10/util/Exception.h>

#include "absl/strings/str_cat.h"
#include "losses/cross_entropy.h"
#include "losses/dice.h"

namespace nerve_mtl::losses {

absl::Status ValidateSegmentationLoss(const LossSpec& spec) {
  if (spec.segmentation_loss() != DICE && spec.segmentation_loss() != CROSS_ENTROPY_PLUS_DICE) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.segmentation_loss must be DICE or CROSS_ENTROPY_PLUS_DICE, got ",
                     SegmentationLoss_Name(spec.segmentation_loss())));
  }
  if (absl::Status s = ValidateDiceOptions(spec.dice()); !s.ok()) return s;
  const CrossEntropyOptions& ce = spec.cross_entropy();
  if (!(ce.boundary_weight() >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "loss.cross_entropy.boundary_weight must be >= 0, got ", ce.boundary_weight()));
  }
  if (ce.quicknat_pixel_weights() && spec.segmentation_loss() != CROSS_ENTROPY_PLUS_DICE) {
    return absl::InvalidArgumentError(
        "loss.cross_entropy.quicknat_pixel_weights weights a segmentation cross-entropy, which "
        "only loss.segmentation_loss CROSS_ENTROPY_PLUS_DICE has");
  }
  return absl::OkStatus();
}

at::Tensor SegmentationLoss(const at::Tensor& logits, const at::Tensor& target,
                            const LossSpec& spec) {
  TORCH_CHECK(
      spec.segmentation_loss() == DICE || spec.segmentation_loss() == CROSS_ENTROPY_PLUS_DICE,
      "SegmentationLoss: unknown loss.segmentation_loss ",
      SegmentationLoss_Name(spec.segmentation_loss()));
  const at::Tensor dice = DiceLoss(logits, target, spec.dice());
  if (spec.segmentation_loss() == DICE) return dice;
  return SegmentationCrossEntropy(logits, target, spec.cross_entropy()) + dice;
}

}  // namespace nerve_mtl::losses
