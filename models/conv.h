#ifndef NERVE_MTL_MODELS_CONV_H_
#define NERVE_MTL_MODELS_CONV_H_

// Every 2-D convolution of nerve-mtl's networks: a torch::nn::Conv2d whose outputs and gradients
// are right.
//
// Where kConvolutionsAvoidOneDnn holds (LibTorch 2.x; common/torch_compat.h has the measured
// why), it turns LibTorch's use of oneDNN off for the whole process, so that CPU
// convolutions run on LibTorch's own kernels (im2col and matrix products). Process-wide because
// LibTorch's switch is; CUDA convolutions are unaffected.

#include <torch/nn/modules/conv.h>
#include <torch/nn/options/conv.h>

namespace nerve_mtl::models {

torch::nn::Conv2d MakeConv2d(const torch::nn::Conv2dOptions& options);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_CONV_H_
