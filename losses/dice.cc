#include "losses/dice.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/one_hot.h>
#include <c10/util/Exception.h>

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"

namespace nerve_mtl::losses {

absl::Status ValidateDiceOptions(const DiceOptions& options) {
  // Written as !(x >= 0) so that NaN fails too.
  if (!(options.smooth() >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.dice.smooth must be >= 0, got ", options.smooth()));
  }
  return absl::OkStatus();
}

at::Tensor DiceScores(const at::Tensor& logits, const at::Tensor& target,
                      const DiceOptions& options) {
  TORCH_CHECK(logits.dim() == 4, "DiceLoss: logits must be [N, C, H, W], got ", logits.sizes());
  TORCH_CHECK(target.dim() == 3 && target.size(0) == logits.size(0) &&
                  target.size(1) == logits.size(2) && target.size(2) == logits.size(3),
              "DiceLoss: target must be [N, H, W] matching logits ", logits.sizes(), ", got ",
              target.sizes());
  TORCH_CHECK(!at::isFloatingType(target.scalar_type()),
              "DiceLoss: target must hold integer class indices");
  const int64_t classes = logits.size(1);
  const at::Tensor probs = logits.softmax(/*dim=*/1);
  const at::Tensor one_hot =
      at::one_hot(target.to(at::kLong), classes).permute({0, 3, 1, 2}).to(probs.scalar_type());
  // Per image: sum over pixels only, giving [N, C]; over the batch: also over N, giving [C].
  const std::vector<int64_t> dims =
      options.per_image() ? std::vector<int64_t>{2, 3} : std::vector<int64_t>{0, 2, 3};
  const at::Tensor intersection = (probs * one_hot).sum(dims);
  const at::Tensor total = probs.sum(dims) + one_hot.sum(dims);
  const double smooth = options.smooth();
  at::Tensor dice = options.smooth_denominator_only()
                        ? 2.0 * intersection / (total + smooth)
                        : (2.0 * intersection + smooth) / (total + smooth);
  if (options.per_image()) dice = dice.mean(/*dim=*/0);
  return dice;
}

at::Tensor DiceLoss(const at::Tensor& logits, const at::Tensor& target,
                    const DiceOptions& options) {
  const at::Tensor dice = DiceScores(logits, target, options);
  const int64_t first = options.include_background() ? 0 : 1;
  TORCH_CHECK(dice.size(0) > first, "DiceLoss: ", dice.size(0),
              " class(es) leave nothing to average without the background");
  return 1.0 - dice.slice(/*dim=*/0, first).mean();
}

}  // namespace nerve_mtl::losses
