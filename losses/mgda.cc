#include "losses/mgda.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

double MinNormGamma(const PairGeometry& geometry) {
  // ||g1 - g2||^2 = 0: the segment is one point.
  if (!(geometry.difference > 0.0)) return 0.5;
  return std::clamp((geometry.c - geometry.b) / geometry.difference, 0.0, 1.0);
}

std::vector<double> MgdaNormalizers(MgdaOptions::Normalization normalization,
                                    const std::vector<double>& losses,
                                    const std::vector<double>& gradient_norms) {
  TORCH_CHECK(losses.size() == gradient_norms.size(), "MgdaNormalizers: ", losses.size(),
              " losses and ", gradient_norms.size(), " norms");
  std::vector<double> normalizers(losses.size(), 1.0);
  for (size_t i = 0; i < losses.size(); ++i) {
    double n = 1.0;
    switch (normalization) {
      case MgdaOptions::L2:
        n = gradient_norms[i];
        break;
      case MgdaOptions::LOSS:
        n = losses[i];
        break;
      case MgdaOptions::LOSS_PLUS:
        n = losses[i] * gradient_norms[i];
        break;
      default:
        break;
    }
    if (n > 0.0 && std::isfinite(n)) normalizers[i] = n;
  }
  return normalizers;
}

std::vector<double> MgdaWeights(const at::Tensor& g1, const at::Tensor& g2,
                                const std::vector<double>& losses,
                                MgdaOptions::Normalization normalization) {
  const PairGeometry raw = Geometry(g1, g2);
  const std::vector<double> n =
      MgdaNormalizers(normalization, losses, {std::sqrt(raw.a), std::sqrt(raw.c)});
  const PairGeometry normalized =
      n[0] == 1.0 && n[1] == 1.0 ? raw : Geometry(g1.to(at::kDouble) / n[0], g2.to(at::kDouble) / n[1]);
  const double gamma = MinNormGamma(normalized);
  return {gamma, 1.0 - gamma};
}

MgdaStrategy::MgdaStrategy(const MgdaOptions& options)
    : options_(options), mean_({0.5, 0.5}), last_weights_({0.5, 0.5}) {}

absl::Status MgdaStrategy::Validate(const LossSpec& spec) {
  if (spec.mgda().normalization() == MgdaOptions::NORMALIZATION_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "loss.mgda.normalization must be NONE, L2, LOSS or LOSS_PLUS, got "
        "NORMALIZATION_UNSPECIFIED");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> MgdaStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<MgdaStrategy>(spec.mgda());
}

void MgdaStrategy::StartEpoch(int /*epoch*/, int /*total_epochs*/) { mean_.StartEpoch(); }

double MgdaStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                              const BackwardContext& context) {
  CheckTaskLosses(task_losses);
  std::vector<double> losses(kNumTasks);
  for (int i = 0; i < kNumTasks; ++i) losses[i] = task_losses[i].item<double>();
  PairCombination combination;
  combination.weights = [this, &losses](const at::Tensor& g1, const at::Tensor& g2) {
    return MgdaWeights(g1, g2, losses, options_.normalization());
  };
  if (options_.upper_bound()) {
    TORCH_CHECK(!context.shared_representation.empty(),
                "MGDA-UB needs the model's shared representation; the trainer refuses models "
                "without one");
    const std::vector<at::Tensor> gradients =
        FlatTaskGradients(task_losses, context.shared_representation);
    last_weights_ = combination.weights(gradients[0], gradients[1]);
    mean_.Add(last_weights_);
    return BackwardWeightedSum(task_losses, last_weights_);
  }
  combination.loss_weights = PairCombination::LossWeights::kLambda;
  combination.unshared_weights = {0.5, 0.5};
  PairStep step = BackwardPair(task_losses, context, combination, &mean_);
  last_weights_ = std::move(step.weights);
  return step.combined;
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("mgda", MgdaStrategy::Create, MgdaStrategy::Validate);

}  // namespace

}  // namespace nerve_mtl::losses
