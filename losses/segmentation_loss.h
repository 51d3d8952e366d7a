// The segmentation task's loss, as LossSpec.segmentation_loss chooses it.
#ifndef NERVE_MTL_LOSSES_SEGMENTATION_LOSS_H_
#define NERVE_MTL_LOSSES_SEGMENTATION_LOSS_H_

#include <ATen/core/Tensor.h>

#include "absl/status/status.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {

// Checks segmentation_loss, the Dice options and the segmentation cross-entropy's options,
// naming the field ("loss.segmentation_loss ..."). quicknat_pixel_weights without a
// cross-entropy to weight is refused rather than ignored.
absl::Status ValidateSegmentationLoss(const LossSpec& spec);

// On logits [N, C, H, W] and integer targets [N, H, W]:
//   DICE:                    DiceLoss(logits, target, spec.dice())
//   CROSS_ENTROPY_PLUS_DICE: SegmentationCrossEntropy(logits, target, spec.cross_entropy())
//                            + DiceLoss(logits, target, spec.dice())
// The second is QuickNAT's combined loss (Roy et al. 2018, section 2.2: weighted logistic loss
// plus Dice loss, equally weighted; nn-common-modules' CombinedLoss):
//   L = (1/|X|) sum_x w(x) * -log p_{l(x)}(x)  +  1 - (1/C) sum_c Dice_c,
// with w from QuickNatPixelWeights when cross_entropy.quicknat_pixel_weights, else 1. Some
// versions of CombinedLoss reduce the cross-entropy to its mean before multiplying by w, which
// gives mean(w) * mean(CE) instead; this is the per-pixel product the paper describes.
// Returns a scalar with the graph attached.
at::Tensor SegmentationLoss(const at::Tensor& logits, const at::Tensor& target,
                            const LossSpec& spec);

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_SEGMENTATION_LOSS_H_
