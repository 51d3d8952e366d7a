#ifndef NERVE_MTL_LOSSES_PCGRAD_H_
#define NERVE_MTL_LOSSES_PCGRAD_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// PCGrad's projection of flattened task gradients g_i (all the same size): each g_i is
// projected, for each other task j, onto the normal plane of the original g_j when they
// conflict: if g_i . g_j < 0, g_i <- g_i - (g_i . g_j / ||g_j||^2) g_j. Returns sum_i g_i.
// Yu et al. visit the other tasks in random order; with two tasks each has one other task, so
// the order does not matter here, and a fixed ascending order keeps any K deterministic.
at::Tensor ProjectConflictingGradients(const std::vector<at::Tensor>& task_gradients);

// "pcgrad", gradient surgery (Yu et al. 2020): the shared parameters get the sum of the
// projected task gradients, the task-specific ones the plain gradient of sum_i L_i. Without
// shared parameters it is equal weighting.
class PcGradStrategy : public MultitaskStrategy {
 public:
  // Takes no options.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  // Returns sum_i L_i.
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_PCGRAD_H_
