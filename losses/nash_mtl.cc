#include "losses/nash_mtl.h"

#include <ATen/core/Tensor.h>

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl::losses {

std::vector<double> NashMtlWeights(const PairGeometry& geometry) {
  if (!(geometry.a > 0.0) || !(geometry.c > 0.0)) return {1.0, 1.0};
  const double s = std::sqrt(geometry.a * geometry.a + 2.0 * geometry.b * geometry.b +
                             geometry.c * geometry.c);
  // unit_sum = ||u1 + u2||^2 = 2 (1 + cos theta).
  const double one_plus_cos = geometry.unit_sum / 2.0;
  const double k = one_plus_cos > kNashOppositeTolerance ? std::sqrt(one_plus_cos) : 1.0;
  return {std::sqrt(s) / (std::sqrt(geometry.a) * k), std::sqrt(s) / (std::sqrt(geometry.c) * k)};
}

std::vector<double> NashMtlWeights(const at::Tensor& g1, const at::Tensor& g2) {
  return NashMtlWeights(Geometry(g1, g2));
}

NashMtlStrategy::NashMtlStrategy(double max_norm) : max_norm_(max_norm), mean_({1.0, 1.0}) {}

absl::Status NashMtlStrategy::Validate(const LossSpec& spec) {
  const double max_norm = spec.nash_mtl().max_norm();
  if (!(max_norm >= 0.0) || !std::isfinite(max_norm)) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.nash_mtl.max_norm must be finite and >= 0, got ", max_norm));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> NashMtlStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<NashMtlStrategy>(spec.nash_mtl().max_norm());
}

void NashMtlStrategy::StartEpoch(int /*epoch*/, int /*total_epochs*/) { mean_.StartEpoch(); }

double NashMtlStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                 const BackwardContext& context) {
  PairCombination combination;
  combination.weights = [](const at::Tensor& g1, const at::Tensor& g2) {
    return NashMtlWeights(g1, g2);
  };
  combination.loss_weights = PairCombination::LossWeights::kLambda;
  combination.max_norm = max_norm_;
  return BackwardPair(task_losses, context, combination, &mean_).combined;
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("nash_mtl", NashMtlStrategy::Create, NashMtlStrategy::Validate);

}  // namespace

}  // namespace nerve_mtl::losses
