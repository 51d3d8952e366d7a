#ifndef NERVE_MTL_LOSSES_GRADNORM_H_
#define NERVE_MTL_LOSSES_GRADNORM_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// "gradnorm" (Chen et al. 2018): task weights w_i (starting at 1) are tuned so that the gradient
// norms G_i = ||grad_W w_i L_i|| on the last shared weight W follow the tasks' relative
// training rates. Each Backward:
//   1. L = sum_i w_i L_i is backpropagated into the model with the current weights;
//   2. with L~_i = L_i / L_i(0) (losses of the first step), r_i = L~_i / mean(L~) and the
//      constant target_i = mean(G) r_i^alpha, the weights take one plain gradient step of
//      weight_lr on L_grad = sum_i |G_i - target_i|, then are renormalised to sum to K.
// Without a last shared weight (context.last_shared_weight undefined or not trainable, as in
// a single-task model) the weights stay at 1: equal weighting. The factory cannot see the
// model, so this falls back rather than failing.
class GradNormStrategy : public MultitaskStrategy {
 public:
  GradNormStrategy(double alpha, double weight_lr);

  // The registered validator, on spec.gradnorm(): alpha finite and >= 0, weight_lr finite and > 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.gradnorm(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return weights_; }
  // [w_0, w_1, L_0(0), L_1(0)], the initial losses empty before the first step.
  std::vector<double> extra_state() const override;
  void set_extra_state(const std::vector<double>& state) override;

  // G_i of the last Backward, with the weights before its update; empty until a Backward had a
  // shared weight.
  const std::vector<double>& gradient_norms() const { return gradient_norms_; }

 private:
  double alpha_;
  double weight_lr_;
  std::vector<double> weights_;
  std::vector<double> initial_losses_;
  std::vector<double> gradient_norms_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_GRADNORM_H_
