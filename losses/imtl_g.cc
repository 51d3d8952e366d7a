#include "losses/imtl_g.h"

#include <ATen/core/Tensor.h>

#include <cmath>

#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

std::vector<double> ImtlGWeights(const PairGeometry& geometry) {
  const double n1 = std::sqrt(geometry.a);
  const double n2 = std::sqrt(geometry.c);
  if (!(n1 > 0.0) && !(n2 > 0.0)) return {0.5, 0.5};
  if (!(n1 > 0.0)) return {0.0, 1.0};
  if (!(n2 > 0.0)) return {1.0, 0.0};
  return {n2 / (n1 + n2), n1 / (n1 + n2)};
}

std::vector<double> ImtlGWeights(const at::Tensor& g1, const at::Tensor& g2) {
  return ImtlGWeights(Geometry(g1, g2));
}

ImtlGStrategy::ImtlGStrategy() : mean_({0.5, 0.5}) {}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> ImtlGStrategy::Create(const LossSpec& /*spec*/) {
  return std::make_unique<ImtlGStrategy>();
}

void ImtlGStrategy::StartEpoch(int /*epoch*/, int /*total_epochs*/) { mean_.StartEpoch(); }

double ImtlGStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                               const BackwardContext& context) {
  CheckTaskLosses(task_losses);
  const std::vector<double> ones(kNumTasks, 1.0);
  const std::vector<at::Tensor> shared = TrainableSharedParameters(context);
  if (shared.empty()) {
    mean_.Add(ones);
    return BackwardWeightedSum(task_losses, ones);
  }
  const std::vector<at::Tensor> gradients = FlatTaskGradients(task_losses, shared);
  const std::vector<double> alpha = ImtlGWeights(gradients[0], gradients[1]);
  mean_.Add(alpha);
  return BackwardCombined(task_losses, shared, gradients, alpha, ones);
}

namespace {

[[maybe_unused]] const bool kRegistered = RegisterStrategy("imtl_g", ImtlGStrategy::Create);

}  // namespace

}  // namespace nerve_mtl::losses
