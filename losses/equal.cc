#include "losses/equal.h"

#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> EqualStrategy::Create(const LossSpec& /*spec*/) {
  return std::make_unique<EqualStrategy>();
}

double EqualStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                               const BackwardContext& /*context*/) {
  return BackwardWeightedSum(task_losses, TaskWeights());
}

std::vector<double> EqualStrategy::TaskWeights() const {
  return std::vector<double>(kNumTasks, 1.0);
}

namespace {

[[maybe_unused]] const bool kRegistered = RegisterStrategy("equal", EqualStrategy::Create);

}  // namespace

}  // namespace nerve_mtl::losses
