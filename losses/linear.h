#ifndef NERVE_MTL_LOSSES_LINEAR_H_
#define NERVE_MTL_LOSSES_LINEAR_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// "linear": L = segmentation_weight * Dice + classification_weight * CE, fixed weights.
class LinearStrategy : public MultitaskStrategy {
 public:
  LinearStrategy(double segmentation_weight, double classification_weight);

  // The registered validator: both weights of spec.linear() must be finite and >= 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.linear(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return weights_; }

 private:
  std::vector<double> weights_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_LINEAR_H_
