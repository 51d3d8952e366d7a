#include "models/conv.h"

#include <ATen/Context.h>

#include "common/torch_compat.h"

namespace nerve_mtl::models {

torch::nn::Conv2d MakeConv2d(const torch::nn::Conv2dOptions& options) {
  // Once per process, before the first convolution can run.
  [[maybe_unused]] static const bool own_kernels = [] {
    if (kConvolutionsAvoidOneDnn) at::globalContext().setUserEnabledMkldnn(false);
    return kConvolutionsAvoidOneDnn;
  }();
  return torch::nn::Conv2d(options);
}

}  // namespace nerve_mtl::models
