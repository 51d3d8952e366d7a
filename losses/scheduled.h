#ifndef NERVE_MTL_LOSSES_SCHEDULED_H_
#define NERVE_MTL_LOSSES_SCHEDULED_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// lambda_SI = 1 - 0.5 (1 - e/E)^4 with e/E clamped to [0, 1]; 1 when E <= 0.
double ScheduledSegmentationLambda(int epoch, int schedule_epochs);

// "scheduled" (after Conjeti et al. 2017, as the original coded it): the segmentation weight
// lambda_SI rises from 0.5 to 1 over E epochs while the classification weight
// classification_scale * (1 - lambda_SI) fades to 0. E is schedule_epochs, or the run's
// total_epochs when that is 0.
class ScheduledStrategy : public MultitaskStrategy {
 public:
  ScheduledStrategy(int schedule_epochs, double classification_scale);

  // The registered validator, on spec.scheduled(): schedule_epochs >= 0, classification_scale
  // finite and >= 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.scheduled(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void StartEpoch(int epoch, int total_epochs) override;
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  // {lambda_SI, classification_scale * lambda_MI}; epoch 0's until StartEpoch is called.
  std::vector<double> TaskWeights() const override;

 private:
  int schedule_epochs_;
  double classification_scale_;
  double segmentation_lambda_ = 0.5;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_SCHEDULED_H_
