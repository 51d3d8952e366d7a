#ifndef NERVE_MTL_LOSSES_RLW_H_
#define NERVE_MTL_LOSSES_RLW_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"
#include "losses/task_gradients.h"

namespace nerve_mtl::losses {

// softmax(epsilon): exp(e_i - max e) / sum_j exp(e_j - max e).
std::vector<double> Softmax(const std::vector<double>& epsilon);

// Two independent standard normal draws from one Box-Muller transform of two 53-bit uniforms of
// `engine`. std::normal_distribution is left to each standard library; this is the same
// sequence everywhere, since std::mt19937_64 is fully specified.
std::vector<double> StandardNormalPair(std::mt19937_64& engine);

// "rlw", random loss weighting (Lin, Ye, Xu, Shi and Zhang 2022, "Reasonable Effectiveness of
// Random Weighting"): each step draws epsilon ~ N(0, I) and backpropagates
// sum_i softmax(epsilon)_i L_i; the weights sum to 1. The draws come from the strategy's own
// generator, seeded when it is built with 32 bits of LibTorch's default generator, which the
// trainer has just seeded with the trial's seed; so they follow the trial's seed and take
// nothing from the model's random stream. The seed and the number of steps drawn are the
// resumable state. TaskWeights() reports the mean of an epoch's weights.
class RlwStrategy : public MultitaskStrategy {
 public:
  explicit RlwStrategy(uint32_t seed);

  // Takes no options; draws the seed from LibTorch's default CPU generator.
  static absl::StatusOr<std::unique_ptr<MultitaskStrategy>> Create(const LossSpec& spec);

  void StartEpoch(int epoch, int total_epochs) override;
  // Returns sum_i w_i L_i.
  double Backward(const std::vector<at::Tensor>& task_losses,
                  const BackwardContext& context) override;
  std::vector<double> TaskWeights() const override { return mean_.Mean(); }
  // [seed, steps drawn], both exact in a double.
  std::vector<double> extra_state() const override;
  void set_extra_state(const std::vector<double>& state) override;

  // The weights of the last Backward.
  const std::vector<double>& last_weights() const { return last_weights_; }

 private:
  uint32_t seed_;
  std::mt19937_64 engine_;
  int64_t draws_ = 0;
  EpochMeanWeights mean_;
  std::vector<double> last_weights_;
};

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_RLW_H_
