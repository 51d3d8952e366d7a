#ifndef NERVE_MTL_LOSSES_DWA_H_
#define NERVE_MTL_LOSSES_DWA_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// DWA's weights from the mean task losses of the last two epochs:
// w_i = K exp(r_i / T) / sum_j exp(r_j / T), r_i = previous[i] / before_previous[i]
// (r_i = 1 where before_previous[i] is not > 0).
std::vector<double> DwaWeights(const std::vector<double>& previous,
                               const std::vector<double>& before_previous, double temperature);

// "dwa", Dynamic Weight Average (Liu, Johns and Davison 2019): a task whose loss fell slowly
// over the last epoch gets more weight in the next. Weights are 1 for the first two epochs.
class DwaStrategy : public MultitaskStrategy {
 public:
  explicit DwaStrategy(double temperature);

  // The registered validator, on spec.dwa(): temperature must be finite and > 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.dwa(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void EndEpoch(const std::vector<double>& mean_task_losses) override;
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return weights_; }

 private:
  double temperature_;
  // Mean task losses of the last epoch and the one before; empty until they have ended.
  std::vector<double> previous_;
  std::vector<double> before_previous_;
  std::vector<double> weights_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_DWA_H_
