#ifndef NERVE_MTL_LOSSES_EQUAL_H_
#define NERVE_MTL_LOSSES_EQUAL_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"

namespace nerve_mtl::losses {

// "equal": L = Dice + CE, the baseline that LibMTL and its peers call equal weighting.
class EqualStrategy : public MultitaskStrategy {
 public:
  // Takes no options.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_EQUAL_H_
