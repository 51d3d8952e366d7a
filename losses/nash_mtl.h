#ifndef NERVE_MTL_LOSSES_NASH_MTL_H_
#define NERVE_MTL_LOSSES_NASH_MTL_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"
#include "losses/task_gradients.h"

namespace nerve_mtl::losses {

// 1 + cos(theta) at or below this counts as opposite gradients, for which no positive solution
// exists; double precision resolves 1 + cos(theta) to about 1e-16, so this leaves a margin.
inline constexpr double kNashOppositeTolerance = 1e-12;

// The Nash bargaining weights alpha > 0 with (M alpha)_i = 1 / alpha_i, M = G^T G / ||G^T G||_F
// (the authors' code divides G^T G by its Frobenius norm, which makes alpha independent of the
// gradients' scale). For two tasks
//   alpha_i = sqrt(s) / (||g_i|| sqrt(1 + cos theta)),  s = ||G^T G||_F,
// theta the angle between g1 and g2. Degenerate cases, where the system has no positive
// solution: a zero gradient gives (1, 1) (for one nonzero gradient the formula's own limit,
// and equal weighting for none); opposite gradients (1 + cos theta <= kNashOppositeTolerance)
// give sqrt(s) / ||g_i||, whose combination sqrt(s) (g1/||g1|| + g2/||g2||) is then zero.
std::vector<double> NashMtlWeights(const PairGeometry& geometry);
std::vector<double> NashMtlWeights(const at::Tensor& g1, const at::Tensor& g2);

// "nash_mtl", Nash-MTL (Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik and Fetaya 2022,
// "Multi-Task Learning as a Bargaining Game"): the update d = G alpha is the Nash bargaining
// solution, each task's directional improvement g_i . d = 1 / alpha_i. As in the authors' code,
// sum_i alpha_i L_i is backpropagated (each task's own parameters get alpha_i grad L_i) and the
// shared parameters' update is scaled by max_norm / (||d|| + 1e-6) when that is below 1
// (torch.nn.utils.clip_grad_norm_ over the shared parameters, here over this step's update
// only). Without shared parameters it is equal weighting. TaskWeights() reports the mean of an
// epoch's alpha.
class NashMtlStrategy : public MultitaskStrategy {
 public:
  explicit NashMtlStrategy(double max_norm);

  // The registered validator, on spec.nash_mtl(): max_norm must be finite and >= 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.nash_mtl(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void StartEpoch(int epoch, int total_epochs) override;
  // Returns sum_i alpha_i L_i.
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return mean_.Mean(); }

 private:
  double max_norm_;
  EpochMeanWeights mean_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_NASH_MTL_H_
