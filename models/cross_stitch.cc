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
  // The weight each task gives its own features: a for segmentation, b for classification.
  double a = options_.self_weight();
  double b = options_.self_weight();
  if (options_.init() == CROSS_STITCH_UNIFORM) {
    const at::Tensor draws = at::empty({2}, at::kDouble).uniform_(0.05, 0.95);
    a = draws[0].item<double>();
    b = draws[1].item<double>();
  }
  const int64_t c = options_.channels();
  alpha_ss_ = register_parameter("alpha_ss", at::full({c}, a));
  alpha_sc_ = register_parameter("alpha_sc", at::full({c}, 1.0 - a));
  alpha_cs_ = register_parameter("alpha_cs", at::full({c}, 1.0 - b));
  alpha_cc_ = register_parameter("alpha_cc", at::full({c}, b));
}

std::pair<torch::Tensor, torch::Tensor> CrossStitchUnitImpl::forward(const torch::Tensor& x_s,
                                                                     const torch::Tensor& x_c) {
  return {PerChannel(alpha_ss_) * x_s + PerChannel(alpha_sc_) * x_c,
          PerChannel(alpha_cs_) * x_s + PerChannel(alpha_cc_) * x_c};
}

}  // namespace nerve_mtl::models
