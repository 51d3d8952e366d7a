#ifndef NERVE_MTL_OPTIM_ADAM_CPU_H_
#define NERVE_MTL_OPTIM_ADAM_CPU_H_

// The CPU side of MultiTensorAdam: a single-pass Adam update (optim/adam_kernel.h), parallel over
// the cores, for contiguous float32 parameters; LibTorch's per-tensor update for anything else.
//
// The single-pass kernel is used only where it has been seen to give the same bits as
// torch::optim::Adam: on the first call, a few steps of both on a probe tensor (vector body and
// tail, weight decay and amsgrad on and off) are compared bit for bit. A CPU without AVX2 and FMA,
// or a LibTorch whose kernels round differently (another version, another instruction set),
// gets LibTorch's update instead: slower, never different.

#include <ATen/core/Tensor.h>
#include <torch/optim/adam.h>

namespace nerve_mtl::optim {

// Whether the single-pass kernel runs here (the probe above passed; computed once).
bool SinglePassCpuAdamAvailable();

// One Adam step of parameter `p` (its gradient defined) with its state (whose step count the
// caller has already advanced), bit-identical to torch::optim::Adam's. Call with gradients off
// (torch::NoGradGuard), as every optimiser's step() does.
void CpuAdamUpdate(const at::Tensor& p, torch::optim::AdamParamState& state,
                   const torch::optim::AdamOptions& options);

// torch::optim::Adam's own per-tensor update of LibTorch 1.13 (adam.cpp), line for line: the
// reference the kernel is checked against, and the fallback.
void LibTorchAdamUpdate(const at::Tensor& p, torch::optim::AdamParamState& state,
                        const torch::optim::AdamOptions& options);

}  // namespace nerve_mtl::optim

#endif  // NERVE_MTL_OPTIM_ADAM_CPU_H_
