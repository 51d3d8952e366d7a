#include "losses/linear.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {
namespace {

absl::Status CheckWeight(const std::string& field, double value) {
  if (!(value >= 0.0) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.linear.", field, " must be finite and >= 0, got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

LinearStrategy::LinearStrategy(double segmentation_weight, double classification_weight)
    : weights_{segmentation_weight, classification_weight} {}

absl::Status LinearStrategy::Validate(const LossSpec& spec) {
  const LinearOptions& options = spec.linear();
  if (absl::Status status = CheckWeight("segmentation_weight", options.segmentation_weight());
      !status.ok()) {
    return status;
  }
  return CheckWeight("classification_weight", options.classification_weight());
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> LinearStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<LinearStrategy>(spec.linear().segmentation_weight(),
                                          spec.linear().classification_weight());
}

double LinearStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                const BackwardContext& /*context*/) {
  return BackwardWeightedSum(task_losses, weights_);
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("linear", LinearStrategy::Create, LinearStrategy::Validate);

}  // namespace

}  // namespace nerve_mtl::losses
