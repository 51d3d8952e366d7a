#include "losses/task_gradients.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/zeros.h>
#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <cstddef>
#include <utility>

#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

std::vector<at::Tensor> TrainableSharedParameters(const BackwardContext& context) {
  std::vector<at::Tensor> shared;
  for (const at::Tensor& parameter : context.shared_parameters) {
    if (parameter.defined() && parameter.requires_grad()) shared.push_back(parameter);
  }
  return shared;
}

std::vector<at::Tensor> FlatTaskGradients(const std::vector<at::Tensor>& task_losses,
                                          const std::vector<at::Tensor>& inputs) {
  TORCH_CHECK(!inputs.empty(), "FlatTaskGradients: no inputs");
  std::vector<at::Tensor> flat_gradients;
  for (const at::Tensor& loss : task_losses) {
    std::vector<at::Tensor> gradients(inputs.size());
    if (loss.requires_grad()) {
      gradients = torch::autograd::grad({loss.reshape({})}, inputs, /*grad_outputs=*/{},
                                        /*retain_graph=*/true, /*create_graph=*/false,
                                        /*allow_unused=*/true);
    }
    const c10::NoGradGuard no_grad;
    std::vector<at::Tensor> flat(inputs.size());
    for (size_t p = 0; p < inputs.size(); ++p) {
      flat[p] = gradients[p].defined()
                    ? gradients[p].detach().to(at::kDouble).flatten()
                    : at::zeros({inputs[p].numel()},
                                at::TensorOptions().dtype(at::kDouble).device(inputs[p].device()));
    }
    flat_gradients.push_back(at::cat(flat));
  }
  return flat_gradients;
}

PairGeometry Geometry(const at::Tensor& g1, const at::Tensor& g2) {
  TORCH_CHECK(g1.numel() == g2.numel(), "Geometry: gradients of ", g1.numel(), " and ",
              g2.numel(), " elements");
  const c10::NoGradGuard no_grad;
  const at::Tensor x = g1.to(at::kDouble).flatten();
  const at::Tensor y = g2.to(at::kDouble).flatten();
  PairGeometry geometry;
  geometry.a = x.dot(x).item<double>();
  geometry.b = x.dot(y).item<double>();
  geometry.c = y.dot(y).item<double>();
  const at::Tensor difference = x - y;
  geometry.difference = difference.dot(difference).item<double>();
  const at::Tensor sum = x + y;
  geometry.sum = sum.dot(sum).item<double>();
  if (geometry.a > 0.0 && geometry.c > 0.0) {
    const at::Tensor unit_sum = x / std::sqrt(geometry.a) + y / std::sqrt(geometry.c);
    geometry.unit_sum = unit_sum.dot(unit_sum).item<double>();
  }
  return geometry;
}

at::Tensor Combine(const std::vector<at::Tensor>& gradients, const std::vector<double>& weights) {
  TORCH_CHECK(!gradients.empty() && gradients.size() == weights.size(), "Combine: ",
              gradients.size(), " gradients and ", weights.size(), " weights");
  const c10::NoGradGuard no_grad;
  at::Tensor sum = gradients[0].to(at::kDouble) * weights[0];
  for (size_t i = 1; i < gradients.size(); ++i) sum = sum + gradients[i].to(at::kDouble) * weights[i];
  return sum;
}

double BackwardCombined(const std::vector<at::Tensor>& task_losses,
                        const std::vector<at::Tensor>& shared,
                        const std::vector<at::Tensor>& shared_gradients,
                        const std::vector<double>& shared_weights,
                        const std::vector<double>& loss_weights) {
  // Held before the backward, which adds the loss weights' gradient that is then replaced.
  std::vector<at::Tensor> held(shared.size());
  for (size_t p = 0; p < shared.size(); ++p) {
    if (shared[p].grad().defined()) held[p] = shared[p].grad().clone();
  }
  const double combined = BackwardWeightedSum(task_losses, loss_weights);
  if (shared.empty()) return combined;
  const at::Tensor direction = Combine(shared_gradients, shared_weights);
  const c10::NoGradGuard no_grad;
  int64_t offset = 0;
  for (size_t p = 0; p < shared.size(); ++p) {
    const int64_t size = shared[p].numel();
    const at::Tensor piece = direction.slice(/*dim=*/0, offset, offset + size)
                                 .view(shared[p].sizes())
                                 .to(shared[p].options());
    shared[p].mutable_grad() = held[p].defined() ? held[p] + piece : piece;
    offset += size;
  }
  TORCH_CHECK(offset == direction.numel(), "BackwardCombined: ", direction.numel(),
              " gradient elements for ", offset, " shared parameter elements");
  return combined;
}

EpochMeanWeights::EpochMeanWeights(std::vector<double> initial)
    : last_(std::move(initial)), sum_(last_.size(), 0.0) {}

void EpochMeanWeights::StartEpoch() {
  last_ = Mean();
  sum_.assign(last_.size(), 0.0);
  steps_ = 0;
}

void EpochMeanWeights::Add(const std::vector<double>& weights) {
  TORCH_CHECK(weights.size() == sum_.size(), "EpochMeanWeights: ", weights.size(),
              " weights, expected ", sum_.size());
  for (size_t i = 0; i < weights.size(); ++i) sum_[i] += weights[i];
  ++steps_;
}

std::vector<double> EpochMeanWeights::Mean() const {
  if (steps_ == 0) return last_;
  std::vector<double> mean(sum_.size());
  for (size_t i = 0; i < sum_.size(); ++i) mean[i] = sum_[i] / static_cast<double>(steps_);
  return mean;
}

PairStep BackwardPair(const std::vector<at::Tensor>& task_losses, const BackwardContext& context,
                      const PairCombination& combination, EpochMeanWeights* mean) {
  CheckTaskLosses(task_losses);
  PairStep step;
  const std::vector<at::Tensor> shared = TrainableSharedParameters(context);
  if (shared.empty()) {
    step.weights = combination.unshared_weights;
    mean->Add(step.weights);
    step.combined = BackwardWeightedSum(task_losses, step.weights);
    return step;
  }
  const std::vector<at::Tensor> gradients = FlatTaskGradients(task_losses, shared);
  step.weights = combination.weights(gradients[0], gradients[1]);
  mean->Add(step.weights);
  std::vector<double> shared_weights = step.weights;
  if (combination.max_norm > 0.0) {
    const double norm = Combine(gradients, step.weights).norm().item<double>();
    const double scale = combination.max_norm / (norm + 1e-6);
    if (scale < 1.0) {
      for (double& w : shared_weights) w *= scale;
    }
  }
  const std::vector<double> loss_weights =
      combination.loss_weights == PairCombination::LossWeights::kLambda
          ? step.weights
          : std::vector<double>(kNumTasks, 1.0);
  step.combined = BackwardCombined(task_losses, shared, gradients, shared_weights, loss_weights);
  return step;
}

}  // namespace nerve_mtl::losses
