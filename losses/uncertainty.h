#ifndef NERVE_MTL_LOSSES_UNCERTAINTY_H_
#define NERVE_MTL_LOSSES_UNCERTAINTY_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// "uncertainty" (Kendall, Gal and Cipolla 2017): learned s_i = log sigma_i^2 weigh the tasks.
// Classification-like term exp(-s) L + s/2; the segmentation term is regression-like,
// 0.5 exp(-s) L + s/2, when options.segmentation_regression_like(). The total may go negative
// as s grows; that is expected.
class UncertaintyStrategy : public MultitaskStrategy {
 public:
  explicit UncertaintyStrategy(const UncertaintyOptions& options);

  // The registered validator, on spec.uncertainty(): initial_log_variance must be finite,
  // lr_multiplier > 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.uncertainty(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  // The log variances, one float tensor [kNumTasks] on the CPU: a 0-dim slice of it combines
  // with task losses on any device.
  std::vector<at::Tensor> parameters() override { return {log_variances_}; }
  double lr_multiplier() const override { return lr_multiplier_; }

  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  // The effective multipliers of the task losses: exp(-s_i), or 0.5 exp(-s_i) for a
  // regression-like term.
  std::vector<double> TaskWeights() const override;

  const at::Tensor& log_variances() const { return log_variances_; }

 private:
  at::Tensor log_variances_;
  // 0.5 for a regression-like term, 1 for a classification-like one.
  std::vector<double> factors_;
  double lr_multiplier_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_UNCERTAINTY_H_
