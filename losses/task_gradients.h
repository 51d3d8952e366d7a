#ifndef NERVE_MTL_LOSSES_TASK_GRADIENTS_H_
#define NERVE_MTL_LOSSES_TASK_GRADIENTS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "losses/strategy.h"

namespace nerve_mtl::losses {

// What the gradient-combining strategies (MGDA, CAGrad, Nash-MTL, IMTL-G) share: not a
// strategy itself, so it registers nothing. docs/DESIGN.md (multitask strategies) describes
// how they combine task gradients.

// The trainable tensors of context.shared_parameters.
std::vector<at::Tensor> TrainableSharedParameters(const BackwardContext& context);

// Each task loss's gradient with respect to `inputs`, flattened into one double vector (zeros
// where a loss does not reach an input); the graph is retained for a later backward.
std::vector<at::Tensor> FlatTaskGradients(const std::vector<at::Tensor>& task_losses,
                                          const std::vector<at::Tensor>& inputs);

// Everything the two-task closed forms read of g1, g2, in double. The difference and the unit
// sums are computed from the vectors, not from a, b, c: for nearly parallel or nearly opposite
// gradients a + c - 2b, a + c + 2b and 1 + cos(theta) lose every digit to cancellation.
struct PairGeometry {
  double a = 0.0;           // ||g1||^2
  double b = 0.0;           // g1 . g2
  double c = 0.0;           // ||g2||^2
  double difference = 0.0;  // ||g1 - g2||^2
  double sum = 0.0;         // ||g1 + g2||^2
  // ||g1/||g1|| + g2/||g2||||^2 = 2 (1 + cos theta); 0 when either gradient is zero.
  double unit_sum = 0.0;
};
PairGeometry Geometry(const at::Tensor& g1, const at::Tensor& g2);

// sum_i weights[i] * gradients[i], in double.
at::Tensor Combine(const std::vector<at::Tensor>& gradients, const std::vector<double>& weights);

// The backward of a gradient-combining strategy: every parameter but `shared` gets the gradient
// of sum_i loss_weights[i] L_i, each of `shared` its slice of
// sum_i shared_weights[i] * shared_gradients[i] (FlatTaskGradients over `shared`), both added to
// what .grad held, as loss.backward() accumulates. Returns sum_i loss_weights[i] L_i.
double BackwardCombined(const std::vector<at::Tensor>& task_losses,
                        const std::vector<at::Tensor>& shared,
                        const std::vector<at::Tensor>& shared_gradients,
                        const std::vector<double>& shared_weights,
                        const std::vector<double>& loss_weights);

// The mean of the weights of an epoch's steps: what TaskWeights() reports for strategies whose
// weights change every step, so the per-epoch task-weight plots show them. Before the first step
// of the first epoch it reports `initial`; an epoch without steps keeps the last mean.
class EpochMeanWeights {
 public:
  explicit EpochMeanWeights(std::vector<double> initial);
  void StartEpoch();
  void Add(const std::vector<double>& weights);
  std::vector<double> Mean() const;

 private:
  std::vector<double> last_;
  std::vector<double> sum_;
  int64_t steps_ = 0;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_TASK_GRADIENTS_H_
