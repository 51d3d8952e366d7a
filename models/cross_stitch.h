// Cross-stitch units (Misra et al. 2016): learned per-channel mixing of two tasks' features.
#ifndef NERVE_MTL_MODELS_CROSS_STITCH_H_
#define NERVE_MTL_MODELS_CROSS_STITCH_H_

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <utility>

#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

struct CrossStitchUnitOptions {
  explicit CrossStitchUnitOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);
  TORCH_ARG(CrossStitchInit, init) = CROSS_STITCH_FIXED;
  // CROSS_STITCH_FIXED: alpha_ss = alpha_cc = self_weight, alpha_sc = alpha_cs = 1 - self_weight.
  TORCH_ARG(double, self_weight) = 0.9;
};

// Mixes the segmentation features x_s and the classification features x_c per channel:
//   x~_s = alpha_ss * x_s + alpha_sc * x_c,    x~_c = alpha_cs * x_s + alpha_cc * x_c.
// Parameters alpha_ss, alpha_sc, alpha_cs, alpha_cc, each [channels]. Both pairs sum to 1 at
// init. CROSS_STITCH_UNIFORM draws, as the original code did, two independent values per unit,
// a and b ~ U(0.05, 0.95), from LibTorch's default generator (so torch::manual_seed fixes
// them): alpha_ss = a, alpha_sc = 1 - a, alpha_cc = b, alpha_cs = 1 - b, each the same for
// every channel. Each task's pair sums to 1, so a stitch starts as a convex mix for both
// tasks, but the two tasks start with different amounts of sharing.
class CrossStitchUnitImpl : public torch::nn::Module {
 public:
  explicit CrossStitchUnitImpl(const CrossStitchUnitOptions& options);
  void reset();
  // Returns {x~_s, x~_c}; inputs [N, channels, H, W].
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x_s,
                                                  const torch::Tensor& x_c);

  const CrossStitchUnitOptions& options() const { return options_; }
  const torch::Tensor& alpha_ss() const { return alpha_ss_; }
  const torch::Tensor& alpha_sc() const { return alpha_sc_; }
  const torch::Tensor& alpha_cs() const { return alpha_cs_; }
  const torch::Tensor& alpha_cc() const { return alpha_cc_; }

 private:
  CrossStitchUnitOptions options_;
  torch::Tensor alpha_ss_, alpha_sc_, alpha_cs_, alpha_cc_;
};
TORCH_MODULE(CrossStitchUnit);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_CROSS_STITCH_H_
