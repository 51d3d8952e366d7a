#include "losses/uncertainty.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/full.h>

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

UncertaintyStrategy::UncertaintyStrategy(const UncertaintyOptions& options)
    : log_variances_(at::full({kNumTasks}, options.initial_log_variance(), at::kFloat)
                         .set_requires_grad(true)),
      factors_(kNumTasks, 1.0),
      lr_multiplier_(options.lr_multiplier()) {
  if (options.segmentation_regression_like()) factors_[kSegmentationTask] = 0.5;
}

absl::Status UncertaintyStrategy::Validate(const LossSpec& spec) {
  const UncertaintyOptions& options = spec.uncertainty();
  if (!std::isfinite(options.initial_log_variance())) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.uncertainty.initial_log_variance must be finite, got ",
                     options.initial_log_variance()));
  }
  if (!(options.lr_multiplier() > 0.0) || !std::isfinite(options.lr_multiplier())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "loss.uncertainty.lr_multiplier must be finite and > 0, got ", options.lr_multiplier()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> UncertaintyStrategy::Create(
    const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<UncertaintyStrategy>(spec.uncertainty());
}

double UncertaintyStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                     const BackwardContext& /*context*/) {
  CheckTaskLosses(task_losses);
  at::Tensor total;
  for (int i = 0; i < kNumTasks; ++i) {
    const at::Tensor s = log_variances_.select(/*dim=*/0, i);
    const at::Tensor term = factors_[i] * (-s).exp() * task_losses[i].reshape({}) + 0.5 * s;
    total = total.defined() ? total + term : term;
  }
  total.backward();
  return total.item<double>();
}

std::vector<double> UncertaintyStrategy::TaskWeights() const {
  const at::Tensor s = log_variances_.detach().to(at::kDouble).contiguous();
  const double* values = s.data_ptr<double>();
  std::vector<double> weights(kNumTasks);
  for (int i = 0; i < kNumTasks; ++i) weights[i] = factors_[i] * std::exp(-values[i]);
  return weights;
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("uncertainty", UncertaintyStrategy::Create, UncertaintyStrategy::Validate,
                     {.own_learning_rates = [](const LossSpec& spec) {
                       return std::vector<OwnLearningRate>{
                           {"log variances", true, spec.uncertainty().lr_multiplier()}};
                     }});

}  // namespace

}  // namespace nerve_mtl::losses
