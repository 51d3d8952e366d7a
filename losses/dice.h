#ifndef NERVE_MTL_LOSSES_DICE_H_
#define NERVE_MTL_LOSSES_DICE_H_

#include <ATen/core/Tensor.h>

#include "absl/status/status.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {

// Checks smooth >= 0, naming the field ("loss.dice.smooth ...").
absl::Status ValidateDiceOptions(const DiceOptions& options);

// Soft multi-class Dice loss (Milletari et al. 2016), 1 - mean Dice, on logits [N, C, H, W]
// and integer targets [N, H, W] in [0, C). Probabilities are the softmax over C, targets
// one-hot; per class Dice = (2 sum(p t) + smooth) / (sum(p) + sum(t) + smooth), or
// 2 sum(p t) / (sum(p) + sum(t) + smooth) with smooth_denominator_only, summed over each image
// and averaged over images (per_image) or summed over the whole batch. Class 0 (background) is
// left out of the mean over classes unless include_background. Returns a scalar with the graph
// attached; throws c10::Error on mismatched shapes.
//
// nn-common-modules' DiceLoss (Roy et al.'s, which QuickNAT and the study's original code
// train with) is the case smooth 1e-4, smooth_denominator_only, include_background, not
// per_image: 1 - (1/C) sum_c 2 sum_{n,x} p t / (sum_{n,x} (p + t) + 1e-4).
//
// A free function rather than a torch::nn::Module: it has no parameters or state, and a
// TORCH_MODULE(DiceLoss) holder would clash with this name.
at::Tensor DiceLoss(const at::Tensor& logits, const at::Tensor& target, const DiceOptions& options);

// Per-class Dice scores behind DiceLoss: [C], averaged over images when per_image.
at::Tensor DiceScores(const at::Tensor& logits, const at::Tensor& target,
                      const DiceOptions& options);

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_DICE_H_
