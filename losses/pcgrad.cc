#include "losses/pcgrad.h"

#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/zeros_like.h>
#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>
#include <torch/csrc/autograd/autograd.h>

#include <cstddef>

#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

at::Tensor ProjectConflictingGradients(const std::vector<at::Tensor>& task_gradients) {
  TORCH_CHECK(!task_gradients.empty(), "ProjectConflictingGradients: no gradients");
  const c10::NoGradGuard no_grad;
  at::Tensor sum;
  for (size_t i = 0; i < task_gradients.size(); ++i) {
    at::Tensor projected = task_gradients[i].clone();
    for (size_t j = 0; j < task_gradients.size(); ++j) {
      if (j == i) continue;
      const at::Tensor& other = task_gradients[j];
      const double dot = projected.dot(other).item<double>();
      // A negative dot product implies ||g_j|| > 0.
      if (dot < 0.0) projected = projected - (dot / other.dot(other).item<double>()) * other;
    }
    sum = sum.defined() ? sum + projected : projected;
  }
  return sum;
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> PcGradStrategy::Create(
    const LossSpec& /*spec*/) {
  return std::make_unique<PcGradStrategy>();
}

double PcGradStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                const BackwardContext& context) {
  CheckTaskLosses(task_losses);
  const std::vector<double> ones(kNumTasks, 1.0);
  std::vector<at::Tensor> shared;
  for (const at::Tensor& parameter : context.shared_parameters) {
    if (parameter.defined() && parameter.requires_grad()) shared.push_back(parameter);
  }
  if (shared.empty()) return BackwardWeightedSum(task_losses, ones);

  // Each task's gradient on the shared parameters, flattened into one vector.
  std::vector<at::Tensor> task_gradients;
  for (const at::Tensor& loss : task_losses) {
    std::vector<at::Tensor> gradients(shared.size());
    if (loss.requires_grad()) {
      gradients = torch::autograd::grad({loss}, shared, /*grad_outputs=*/{},
                                        /*retain_graph=*/true, /*create_graph=*/false,
                                        /*allow_unused=*/true);
    }
    std::vector<at::Tensor> flat(shared.size());
    for (size_t p = 0; p < shared.size(); ++p) {
      flat[p] = (gradients[p].defined() ? gradients[p] : at::zeros_like(shared[p])).flatten();
    }
    task_gradients.push_back(at::cat(flat));
  }
  const at::Tensor projected = ProjectConflictingGradients(task_gradients);

  // The plain backward gives the task-specific parameters sum_i grad L_i; the shared ones then
  // get what they held before it plus the projected sum instead.
  std::vector<at::Tensor> held(shared.size());
  for (size_t p = 0; p < shared.size(); ++p) {
    if (shared[p].grad().defined()) held[p] = shared[p].grad().clone();
  }
  const double combined = BackwardWeightedSum(task_losses, ones);
  const c10::NoGradGuard no_grad;
  int64_t offset = 0;
  for (size_t p = 0; p < shared.size(); ++p) {
    const int64_t size = shared[p].numel();
    const at::Tensor piece =
        projected.slice(/*dim=*/0, offset, offset + size).view_as(shared[p]).clone();
    shared[p].mutable_grad() = held[p].defined() ? held[p] + piece : piece;
    offset += size;
  }
  return combined;
}

std::vector<double> PcGradStrategy::TaskWeights() const {
  return std::vector<double>(kNumTasks, 1.0);
}

namespace {

[[maybe_unused]] const bool kRegistered = RegisterStrategy("pcgrad", PcGradStrategy::Create);

}  // namespace

}  // namespace nerve_mtl::losses
