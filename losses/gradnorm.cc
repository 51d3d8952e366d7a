#include "losses/gradnorm.h"

#include <ATen/core/Tensor.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {
namespace {

// Keeps a weight from reaching 0 or below, where its task would stop training or ascend.
constexpr double kMinWeight = 1e-6;

}  // namespace

GradNormStrategy::GradNormStrategy(double alpha, double weight_lr)
    : alpha_(alpha), weight_lr_(weight_lr), weights_(kNumTasks, 1.0) {}

absl::Status GradNormStrategy::Validate(const LossSpec& spec) {
  const GradNormOptions& options = spec.gradnorm();
  if (!(options.alpha() >= 0.0) || !std::isfinite(options.alpha())) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.gradnorm.alpha must be finite and >= 0, got ", options.alpha()));
  }
  if (!(options.weight_lr() > 0.0) || !std::isfinite(options.weight_lr())) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.gradnorm.weight_lr must be finite and > 0, got ", options.weight_lr()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> GradNormStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<GradNormStrategy>(spec.gradnorm().alpha(), spec.gradnorm().weight_lr());
}

double GradNormStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                  const BackwardContext& context) {
  CheckTaskLosses(task_losses);
  const at::Tensor& shared_weight = context.last_shared_weight;
  if (!shared_weight.defined() || !shared_weight.requires_grad()) {
    return BackwardWeightedSum(task_losses, weights_);
  }

  // ||grad_W L_i||, before the backward below frees the graph. Because w_i is a positive
  // scalar, G_i = w_i ||grad_W L_i|| and dG_i/dw_i = ||grad_W L_i||: no second-order graph
  // (create_graph) is needed for the weights' gradient.
  std::vector<double> losses(kNumTasks);
  std::vector<double> task_norms(kNumTasks, 0.0);
  for (int i = 0; i < kNumTasks; ++i) {
    losses[i] = task_losses[i].item<double>();
    if (!task_losses[i].requires_grad()) continue;
    const at::Tensor gradient =
        torch::autograd::grad({task_losses[i]}, {shared_weight}, /*grad_outputs=*/{},
                              /*retain_graph=*/true, /*create_graph=*/false,
                              /*allow_unused=*/true)[0];
    if (gradient.defined()) task_norms[i] = gradient.norm().item<double>();
  }
  if (initial_losses_.empty()) initial_losses_ = losses;

  const double combined = BackwardWeightedSum(task_losses, weights_);

  std::vector<double> norms(kNumTasks);
  std::vector<double> training_rates(kNumTasks);
  double mean_norm = 0.0;
  double mean_rate = 0.0;
  for (int i = 0; i < kNumTasks; ++i) {
    norms[i] = weights_[i] * task_norms[i];
    training_rates[i] = initial_losses_[i] > 0.0 ? losses[i] / initial_losses_[i] : 1.0;
    mean_norm += norms[i] / kNumTasks;
    mean_rate += training_rates[i] / kNumTasks;
  }
  double sum = 0.0;
  for (int i = 0; i < kNumTasks; ++i) {
    const double inverse_rate = mean_rate > 0.0 ? training_rates[i] / mean_rate : 1.0;
    const double target = mean_norm * std::pow(inverse_rate, alpha_);
    // d|G_i - target_i| / dw_i with the target held constant, as in the paper.
    const double difference = norms[i] - target;
    const double sign = (difference > 0.0) - (difference < 0.0);
    weights_[i] = std::max(weights_[i] - weight_lr_ * sign * task_norms[i], kMinWeight);
    sum += weights_[i];
  }
  for (double& weight : weights_) weight *= kNumTasks / sum;
  gradient_norms_ = std::move(norms);
  return combined;
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("gradnorm", GradNormStrategy::Create, GradNormStrategy::Validate,
                     {.own_learning_rates = [](const LossSpec& spec) {
                       return std::vector<OwnLearningRate>{
                           {"GradNorm task weights", false, spec.gradnorm().weight_lr()}};
                     }});

}  // namespace

std::vector<double> GradNormStrategy::extra_state() const {
  std::vector<double> state = weights_;
  state.insert(state.end(), initial_losses_.begin(), initial_losses_.end());
  return state;
}

void GradNormStrategy::set_extra_state(const std::vector<double>& state) {
  if (state.size() < weights_.size()) return;
  weights_.assign(state.begin(), state.begin() + weights_.size());
  initial_losses_.assign(state.begin() + weights_.size(), state.end());
}

}  // namespace nerve_mtl::losses
