#ifndef NERVE_MTL_LOSSES_CAGRAD_H_
#define NERVE_MTL_LOSSES_CAGRAD_H_

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"
#include "losses/task_gradients.h"

namespace nerve_mtl::losses {

// CAGrad's inner problem for two tasks, w = (t, 1 - t) on the simplex:
//   min_t F(t) = w^T G^T g0 + C ||G w||,  g0 = (g1 + g2) / 2,  C = c ||g0||.
// F is convex on [0, 1] (linear plus a norm of an affine map), so its minimum is at an end or
// where F' = 0; squaring p + C (q + t D) / ||G w|| = 0 (p = (a - c) / 2, q = b - c,
// D = ||g1 - g2||^2) gives one quadratic in t. The ends and its roots in [0, 1] are evaluated
// and the smallest F wins: exact, no iteration. t = 1/2 when g1 = g2 (F is constant).
double CagradSimplexWeight(const PairGeometry& geometry, double c);

// F(t) above without its constant term g2 . g0, for checking the minimum.
double CagradObjective(const PairGeometry& geometry, double c, double t);

// The coefficients (lambda_1, lambda_2) of g1 and g2 in CAGrad's update
//   d = (g0 + (C / ||G w||) G w) / (1 + c^2),
// lambda_i = (1/2 + C w_i / ||G w||) / (1 + c^2). Where C or ||G w|| is 0 (c = 0, opposite
// gradients of equal norm) the second term is dropped: d = g0 / (1 + c^2).
std::vector<double> CagradWeights(const at::Tensor& g1, const at::Tensor& g2, double c);

// "cagrad", conflict-averse gradient descent (Liu, Liu, Jin, Stone and Liu 2021): the update
// maximises the worst task's improvement within a ball of radius c ||g0|| around the mean
// gradient g0, d = g0 + (C / ||G w||) G w with w solving the inner problem above, rescaled by
// 1 / (1 + c^2) as in the authors' code (rescale = 1). The shared parameters get d; each task's
// own parameters the plain gradient of sum_i L_i, as the authors' code leaves them. Without
// shared parameters it is equal weighting. TaskWeights() reports the mean of an epoch's
// lambda.
class CagradStrategy : public MultitaskStrategy {
 public:
  explicit CagradStrategy(double c);

  // The registered validator, on spec.cagrad(): c must be finite and >= 0.
  static absl::Status Validate(const LossSpec& spec);
  // From spec.cagrad(), after Validate.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void StartEpoch(int epoch, int total_epochs) override;
  // Returns sum_i L_i.
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return mean_.Mean(); }

 private:
  double c_;
  EpochMeanWeights mean_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_CAGRAD_H_
