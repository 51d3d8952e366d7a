#ifndef NERVE_MTL_LOSSES_MGDA_H_
#define NERVE_MTL_LOSSES_MGDA_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"
#include "losses/task_gradients.h"

namespace nerve_mtl::losses {

// The min-norm point gamma g1 + (1 - gamma) g2 of the segment between two gradients:
// gamma = clip((c - b) / ||g1 - g2||^2, 0, 1) with b = g1 . g2, c = ||g2||^2; 1/2 when g1 = g2
// (every point of the segment is the same, zero gradients included).
double MinNormGamma(const PairGeometry& geometry);

// The divisors of the task gradients before the min-norm point is found, as the authors' code
// (gradient_normalizers) computes them: 1, ||g_i||, L_i or L_i ||g_i||. A divisor that is not
// finite and > 0 (a zero gradient, a zero loss) is 1, which leaves that gradient as it is.
std::vector<double> MgdaNormalizers(MgdaOptions::Normalization normalization,
                                    const std::vector<double>& losses,
                                    const std::vector<double>& gradient_norms);

// MGDA's task weights (gamma, 1 - gamma): gamma the min-norm point of g1 / n1 and g2 / n2 (the
// normalisers above), applied to the raw losses, as in the authors' code (LibMTL applies them to
// the normalised gradients instead).
std::vector<double> MgdaWeights(const at::Tensor& g1, const at::Tensor& g2,
                                const std::vector<double>& losses,
                                MgdaOptions::Normalization normalization);

// "mgda", the multiple-gradient descent algorithm (Sener and Koltun 2018, "Multi-Task Learning
// as Multi-Objective Optimization"): the update is the min-norm point of the convex hull of the
// task gradients, d = gamma g1 + (1 - gamma) g2, a direction no task's loss rises along when
// one exists. Each step backpropagates sum_i w_i L_i with w = MgdaWeights of the task gradients
// over the shared parameters, so the shared parameters get d and each task's own parameters
// w_i grad L_i. With options.upper_bound() (MGDA-UB) the gradients are taken with respect to
// the shared representation instead (context.shared_representation): one backward through the
// heads rather than the encoder; the weights are applied the same way. Without shared
// parameters the weights are (1/2, 1/2). TaskWeights() reports the mean of an epoch's weights.
class MgdaStrategy : public MultitaskStrategy {
 public:
  explicit MgdaStrategy(const MgdaOptions& options);

  // The registered validator, on spec.mgda(): normalization must be set.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.mgda(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void StartEpoch(int epoch, int total_epochs) override;
  // Returns sum_i w_i L_i.
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return mean_.Mean(); }
  bool needs_shared_representation() const override { return options_.upper_bound(); }

  // The weights of the last Backward.
  const std::vector<double>& last_weights() const { return last_weights_; }

 private:
  MgdaOptions options_;
  EpochMeanWeights mean_;
  std::vector<double> last_weights_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_MGDA_H_
