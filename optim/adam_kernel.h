#ifndef NERVE_MTL_OPTIM_ADAM_KERNEL_H_
#define NERVE_MTL_OPTIM_ADAM_KERNEL_H_

// One Adam step (Kingma & Ba 2015, with Reddi et al. 2018's amsgrad) over float32 arrays in a
// single pass: each element's parameter, gradient and moments are read once and written once,
// where LibTorch's Adam makes about ten passes with temporaries. Per element it performs exactly
// the roundings LibTorch 1.13's torch::optim::Adam performs on the CPU (optim/adam_cpu.h checks
// that at run time before using it):
//   g  = fma(p, wd, g)                     grad.add(p, wd), if wd != 0
//   m  = fma(g, 1-b1, m*b1)                exp_avg.mul_(b1).add_(g, 1-b1)
//   v  = fma((1-b2)*g, g, v*b2)            exp_avg_sq.mul_(b2).addcmul_(g, g, 1-b2)
//   u  = max(vmax, v) (NaN-propagating)    amsgrad only; u = v otherwise
//   d  = sqrt(u) / sqrt(bc2) + eps
//   p  = p + (-lr/bc1 * m) / d             p.addcdiv_(m, d, -lr/bc1)
// with every scalar rounded to float first, as LibTorch's kernels do.

#include <cstdint>

namespace nerve_mtl::optim {

struct AdamKernelScalars {
  float beta1 = 0;
  float one_minus_beta1 = 0;
  float beta2 = 0;
  float one_minus_beta2 = 0;
  float weight_decay = 0;  // Applied only when nonzero.
  float bias_correction2_sqrt = 0;
  float eps = 0;
  float negative_step_size = 0;  // -lr / bias_correction1.
  bool amsgrad = false;
};

struct AdamKernelArrays {
  float* param;
  const float* grad;
  float* exp_avg;
  float* exp_avg_sq;
  float* max_exp_avg_sq;  // Only read and written with amsgrad.
};

// Elements [begin, end). Needs a CPU with AVX2 and FMA (the caller checks).
void AdamStepAvx2(const AdamKernelArrays& a, int64_t begin, int64_t end,
                  const AdamKernelScalars& s);

}  // namespace nerve_mtl::optim

#endif  // NERVE_MTL_OPTIM_ADAM_KERNEL_H_
