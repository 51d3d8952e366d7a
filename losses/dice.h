#ifndef NERVE_MTL_LOSSES_DICE_H_
#define NERVE_MTL_LOSSES_DICE_H_

#include <ATen/core/Tensor.h>

#include "absl/status/status.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {

// Checks smooth >= 0, naming the field ("loss.dice.smooth ...").
absl::Status ValidateDiceOptions(const DiceOptions& options);

// Soft multi-class Dice loss, 1 - mean Dice, on logits [N, C, H, W] and integer targets
// [N, H, W] in [0, C). Probabilities are the softmax over C, targets one-hot; per class
// Dice = (2 sum(p t) + smooth) / (sum(p) + sum(t) + smooth), summed over each image and averaged
// over images (per_image) or summed over the whole batch. Class 0 (background) is left out of
// the mean over classes unless include_background. Returns a scalar with the graph attached;
// throws c10::Error on mismatched shapes.
//
// A free function rather than a torch::nn::Module: it has no parameters or state, and a
// TORCH_MODULE(DiceLoss) holder would clash with this name.
at::Tensor DiceLoss(const at::Tensor& logits, const at::Tensor& target, const DiceOptions& options);

// Per-class Dice scores behind DiceLoss: [C], averaged over images when per_image.
at::Tensor DiceScores(const at::Tensor& logits, const at::Tensor& target,
                      const DiceOptions& options);

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_DICE_H_
