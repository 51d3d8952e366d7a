#include "losses/weighted_sum.h"

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <cstddef>

#include "losses/strategy.h"

namespace nerve_mtl::losses {

void CheckTaskLosses(const std::vector<at::Tensor>& task_losses) {
  TORCH_CHECK(task_losses.size() == static_cast<size_t>(kNumTasks), "expected ", kNumTasks,
              " task losses, got ", task_losses.size());
  for (size_t i = 0; i < task_losses.size(); ++i) {
    TORCH_CHECK(task_losses[i].defined() && task_losses[i].numel() == 1, "task loss ", i,
                " must be a defined scalar");
  }
}

at::Tensor WeightedSum(const std::vector<at::Tensor>& task_losses,
                       const std::vector<double>& weights) {
  CheckTaskLosses(task_losses);
  TORCH_CHECK(weights.size() == task_losses.size(), "expected ", task_losses.size(),
              " weights, got ", weights.size());
  at::Tensor total = task_losses[0].mul(weights[0]);
  for (size_t i = 1; i < task_losses.size(); ++i) {
    total = total.add(task_losses[i].mul(weights[i]));
  }
  return total.reshape({});
}

double BackwardWeightedSum(const std::vector<at::Tensor>& task_losses,
                           const std::vector<double>& weights) {
  const at::Tensor total = WeightedSum(task_losses, weights);
  if (total.requires_grad()) total.backward();
  return total.item<double>();
}

}  // namespace nerve_mtl::losses
