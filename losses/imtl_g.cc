#include "losses/imtl_g.h"

#include <ATen/core/Tensor.h>

#include <cmath>

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
  PairCombination combination;
  combination.weights = [](const at::Tensor& g1, const at::Tensor& g2) {
    return ImtlGWeights(g1, g2);
  };
  return BackwardPair(task_losses, context, combination, &mean_).combined;
}

namespace {

[[maybe_unused]] const bool kRegistered = RegisterStrategy("imtl_g", ImtlGStrategy::Create);

}  // namespace

}  // namespace nerve_mtl::losses
