#ifndef NERVE_MTL_LOSSES_IMTL_G_H_
#define NERVE_MTL_LOSSES_IMTL_G_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"
#include "losses/task_gradients.h"

namespace nerve_mtl::losses {

// IMTL-G's weights: the aggregate d = alpha_1 g1 + alpha_2 g2, alpha summing to 1, has equal
// projections on the unit task gradients, d . u1 = d . u2. For two tasks
//   alpha_1 = ||g2|| / (||g1|| + ||g2||),  alpha_2 = ||g1|| / (||g1|| + ||g2||),
// which holds for parallel gradients too, where the paper's matrix form is singular. A zero
// gradient has no unit vector: the other task gets weight 1 (the one-task case of the
// condition) and the zero one 0, since the formula's (1, 0) would leave d = 0; both zero give
// (1/2, 1/2).
std::vector<double> ImtlGWeights(const PairGeometry& geometry);
std::vector<double> ImtlGWeights(const at::Tensor& g1, const at::Tensor& g2);

// "imtl_g", impartial multi-task learning, gradient part (Liu, Li, Kuang, Xue, Chen, Yang,
// Liao and Zhang 2021, "Towards Impartial Multi-task Learning"): the shared parameters get
// d = sum_i alpha_i g_i with the weights above, each task's own parameters the plain gradient
// of its loss (the paper's algorithm 1). Without shared parameters it is equal weighting.
// TaskWeights() reports the mean of an epoch's alpha.
class ImtlGStrategy : public MultitaskStrategy {
 public:
  ImtlGStrategy();

  // Takes no options.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void StartEpoch(int epoch, int total_epochs) override;
  // Returns sum_i L_i.
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return mean_.Mean(); }

 private:
  EpochMeanWeights mean_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_IMTL_G_H_
