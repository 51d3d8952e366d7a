#ifndef NERVE_MTL_LOSSES_WEIGHTED_SUM_H_
#define NERVE_MTL_LOSSES_WEIGHTED_SUM_H_

#include <ATen/core/Tensor.h>

#include <vector>

namespace nerve_mtl::losses {

// What the strategies share: not a strategy itself, so it registers nothing.

// Checks that there are kNumTasks defined scalar task losses; throws c10::Error otherwise.
void CheckTaskLosses(const std::vector<at::Tensor>& task_losses);

// sum_i weights[i] * task_losses[i], graph attached.
at::Tensor WeightedSum(const std::vector<at::Tensor>& task_losses,
                       const std::vector<double>& weights);

// Backpropagates WeightedSum into .grad (accumulating, as loss.backward() does) and returns its
// value. A sum that needs no gradient is only evaluated.
double BackwardWeightedSum(const std::vector<at::Tensor>& task_losses,
                           const std::vector<double>& weights);

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_WEIGHTED_SUM_H_
