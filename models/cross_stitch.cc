#include "models/cross_stitch.h"

#include <ATen/Functions.h>

namespace nerve_mtl::models {
namespace {

// [C] -> [1, C, 1, 1], to scale feature maps channel by channel.
torch::Tensor PerChannel(const torch::Tensor& alpha) { return alpha.view({1, -1, 1, 1}); }

}  // namespace

CrossStitchUnitImpl::CrossStitchUnitImpl(const CrossStitchUnitOptions& options)
    : options_(options) {
  reset();
}

void CrossStitchUnitImpl::reset() {
  double self_weight = options_.self_weight();
  if (options_.init() == CROSS_STITCH_UNIFORM) {
    self_weight = at::empty({1}, at::kDouble).uniform_(0.05, 0.95).item<double>();
  }
  const int64_t c = options_.channels();
  alpha_ss_ = register_parameter("alpha_ss", at::full({c}, self_weight));
  alpha_sc_ = register_parameter("alpha_sc", at::full({c}, 1.0 - self_weight));
  alpha_cs_ = register_parameter("alpha_cs", at::full({c}, 1.0 - self_weight));
  alpha_cc_ = register_parameter("alpha_cc", at::full({c}, self_weight));
}

std::pair<torch::Tensor, torch::Tensor> CrossStitchUnitImpl::forward(const torch::Tensor& x_s,
                                                                     const torch::Tensor& x_c) {
  return {PerChannel(alpha_ss_) * x_s + PerChannel(alpha_sc_) * x_c,
          PerChannel(alpha_cs_) * x_s + PerChannel(alpha_cc_) * x_c};
}

}  // namespace nerve_mtl::models
