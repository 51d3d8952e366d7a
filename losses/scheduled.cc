#include "losses/scheduled.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

double ScheduledSegmentationLambda(int epoch, int schedule_epochs) {
  if (schedule_epochs <= 0) return 1.0;
  const double progress = std::clamp(static_cast<double>(epoch) / schedule_epochs, 0.0, 1.0);
  return 1.0 - 0.5 * std::pow(1.0 - progress, 4);
}

ScheduledStrategy::ScheduledStrategy(int schedule_epochs, double classification_scale)
    : schedule_epochs_(schedule_epochs), classification_scale_(classification_scale) {}

absl::Status ScheduledStrategy::Validate(const LossSpec& spec) {
  const ScheduledOptions& options = spec.scheduled();
  if (options.schedule_epochs() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "loss.scheduled.schedule_epochs must be >= 0, got ", options.schedule_epochs()));
  }
  if (!(options.classification_scale() >= 0.0) || !std::isfinite(options.classification_scale())) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.scheduled.classification_scale must be finite and >= 0, got ",
                     options.classification_scale()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> ScheduledStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<ScheduledStrategy>(spec.scheduled().schedule_epochs(),
                                             spec.scheduled().classification_scale());
}

void ScheduledStrategy::StartEpoch(int epoch, int total_epochs) {
  const int length = schedule_epochs_ > 0 ? schedule_epochs_ : total_epochs;
  segmentation_lambda_ = ScheduledSegmentationLambda(epoch, length);
}

double ScheduledStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                   const BackwardContext& /*context*/) {
  return BackwardWeightedSum(task_losses, TaskWeights());
}

std::vector<double> ScheduledStrategy::TaskWeights() const {
  std::vector<double> weights(kNumTasks);
  weights[kSegmentationTask] = segmentation_lambda_;
  weights[kClassificationTask] = classification_scale_ * (1.0 - segmentation_lambda_);
  return weights;
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("scheduled", ScheduledStrategy::Create, ScheduledStrategy::Validate);

}  // namespace

}  // namespace nerve_mtl::losses
