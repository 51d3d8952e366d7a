#include "models/conv.h"

#include <ATen/Context.h>

#include "common/torch_compat.h"

namespace nerve_mtl::models {

torch::nn::Conv2d MakeConv2d(const torch::nn::Conv2dOptions& options) {
  // Before any of the network's convolutions can run; setting LibTorch's flag again is a store.
  if (kConvolutionsAvoidOneDnn) at::globalContext().setUserEnabledMkldnn(false);
  return torch::nn::Conv2d(options);
}

}  // namespace nerve_mtl::models
