#ifndef NERVE_MTL_LOSSES_TASK_GRADIENTS_H_
#define NERVE_MTL_LOSSES_TASK_GRADIENTS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
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

// A two-task closed form: the weights lambda of g1 and g2, the task gradients over the
// trainable shared parameters (FlatTaskGradients, double).
using PairWeights = std::function<std::vector<double>(const at::Tensor& g1, const at::Tensor& g2)>;

// What one two-task gradient-combining strategy's step differs in; the step itself is
// BackwardPair's (docs/DESIGN.md, "Multitask strategies that combine gradients").
struct PairCombination {
  // The weights mu of the task losses whose gradient every parameter but the shared ones gets.
  enum class LossWeights {
    kOnes,    // mu = (1, 1): the task-specific gradients left alone (CAGrad, IMTL-G).
    kLambda,  // mu = lambda: the weighted loss backpropagated (MGDA, Nash-MTL).
  };

  // The strategy's closed form; the shared parameters get d = lambda_1 g1 + lambda_2 g2.
  PairWeights weights;
  LossWeights loss_weights = LossWeights::kOnes;
  // When > 0, d is scaled by max_norm / (||d|| + 1e-6) where that is below 1 (Nash-MTL's
  // clip_grad_norm_ over the shared parameters); mu and the reported lambda keep their scale.
  double max_norm = 0.0;
  // The loss weights, and the reported weights, of a step without trainable shared parameters.
  std::vector<double> unshared_weights = std::vector<double>(kNumTasks, 1.0);
};

// One step's outcome.
struct PairStep {
  double combined = 0.0;        // sum_i mu_i L_i
  std::vector<double> weights;  // lambda (before max_norm's scaling), as added to the mean
};

// The backward of a two-task gradient-combining strategy: checks the task losses, takes g1, g2
// over the trainable shared parameters, gets lambda from combination.weights, adds it to `mean`
// and backpropagates as BackwardCombined (the shared parameters d, every other parameter the
// gradient of sum_i mu_i L_i). Without trainable shared parameters it backpropagates
// sum_i unshared_weights_i L_i and adds unshared_weights to `mean`.
PairStep BackwardPair(const std::vector<at::Tensor>& task_losses, const BackwardContext& context,
                      const PairCombination& combination, EpochMeanWeights* mean);

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_TASK_GRADIENTS_H_
