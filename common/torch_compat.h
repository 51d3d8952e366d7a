#ifndef NERVE_MTL_COMMON_TORCH_COMPAT_H_
#define NERVE_MTL_COMMON_TORCH_COMPAT_H_

// The few places where nerve-mtl's two supported LibTorch versions differ: Debian 12's 1.13 and
// Debian 13's 2.6 (GPU hosts run 2.x too). Code and tests take these constants instead of testing
// TORCH_VERSION_MAJOR themselves, so that every version difference is listed here, with its why.

#include <torch/version.h>

namespace nerve_mtl {

// The LibTorch this translation unit was compiled against.
inline constexpr int kLibTorchMajor = TORCH_VERSION_MAJOR;
inline constexpr int kLibTorchMinor = TORCH_VERSION_MINOR;

// Relative difference between the fp32 loss curve and the fast mode's (channels-last,
// autotuning) on the CPU, per epoch. LibTorch 1.13 runs channels-last convolutions on the CPU
// through the same kernels as contiguous ones: the curves are identical (1e-6 only absorbs the
// printout). LibTorch 2.x's channels-last kernels sum in another order: measured 1.1e-5 at epoch
// 0 with Debian 13's 2.6 through oneDNN; 8.7e-7 at epoch 0, 2.9e-4 at epoch 3 of 4 with it on
// its own kernels (kConvolutionsAvoidOneDnn below); 2.3e-6 at epoch 0, 2.1e-4 at epoch 2 with
// pip 2.11 (x86 CPU), growing with the epochs as any rounding difference does in training. 1e-3
// is over three times the largest of those and still ten times tighter than the GPU's 1e-2.
inline constexpr double kCpuFastModeLossTolerance = kLibTorchMajor >= 2 ? 1e-3 : 1e-6;

// Whether the networks' convolutions must run on LibTorch's own CPU kernels rather than oneDNN's
// (models/conv.h). LibTorch 2.6 with Debian 13's oneDNN 3.7.2 computed wrong convolutions on the
// CPU of an AMD EPYC host (avx512_core kernels: outputs off by up to 48% of their largest entry
// at 17 and 24 input channels, input gradients by up to 84%) and read padding it never wrote
// (NaN gradients from reused memory, with every instruction set oneDNN offers). LibTorch 1.13
// with MKL-DNN 2.6.3 agrees with an unfold-and-matmul convolution. pip's 2.x builds, not
// measured, are taken as 2.6: their own kernels are only slower.
inline constexpr bool kConvolutionsAvoidOneDnn = kLibTorchMajor >= 2;

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_TORCH_COMPAT_H_
