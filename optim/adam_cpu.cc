#include "optim/adam_cpu.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>

#include <cmath>
#include <memory>
#include <vector>

#include "optim/adam_kernel.h"

namespace nerve_mtl::optim {
namespace {

// Elements per task of at::parallel_for: large enough that a task's memory traffic outweighs
// handing it to a thread.
constexpr int64_t kGrain = 32768;

bool CpuHasAvx2AndFma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

bool Contiguous32(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat &&
         t.is_contiguous() && !t.is_sparse();
}

bool Eligible(const at::Tensor& p, const torch::optim::AdamParamState& state,
              const torch::optim::AdamOptions& options) {
  return Contiguous32(p) && Contiguous32(p.grad()) && Contiguous32(state.exp_avg()) &&
         Contiguous32(state.exp_avg_sq()) &&
         (!options.amsgrad() || Contiguous32(state.max_exp_avg_sq()));
}

void SinglePassUpdate(const at::Tensor& p, torch::optim::AdamParamState& state,
                      const torch::optim::AdamOptions& options) {
  const double beta1 = std::get<0>(options.betas());
  const double beta2 = std::get<1>(options.betas());
  const double bias_correction1 = 1 - std::pow(beta1, state.step());
  const double bias_correction2 = 1 - std::pow(beta2, state.step());
  AdamKernelScalars s;
  s.beta1 = static_cast<float>(beta1);
  s.one_minus_beta1 = static_cast<float>(1 - beta1);
  s.beta2 = static_cast<float>(beta2);
  s.one_minus_beta2 = static_cast<float>(1 - beta2);
  s.weight_decay = static_cast<float>(options.weight_decay());
  s.bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  s.eps = static_cast<float>(options.eps());
  s.negative_step_size = static_cast<float>(-(options.lr() / bias_correction1));
  s.amsgrad = options.amsgrad();
  const AdamKernelArrays arrays = {
      p.data_ptr<float>(), p.grad().data_ptr<float>(), state.exp_avg().data_ptr<float>(),
      state.exp_avg_sq().data_ptr<float>(),
      options.amsgrad() ? state.max_exp_avg_sq().data_ptr<float>() : nullptr};
  at::parallel_for(0, p.numel(), kGrain,
                   [&](int64_t begin, int64_t end) { AdamStepAvx2(arrays, begin, end, s); });
}

torch::optim::AdamParamState NewState(const at::Tensor& p, bool amsgrad) {
  torch::optim::AdamParamState state;
  state.exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
  state.exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
  if (amsgrad) state.max_exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
  return state;
}

// Three steps of torch::optim::Adam and of the kernel on the same deterministic values (no
// random generator: the probe must not move the program's random streams), 1,037 elements so that
// both the vector body and the scalar tail run; the bits must agree.
bool KernelMatchesLibTorch() {
  const int64_t n = 1037;
  at::Tensor start = at::arange(n, at::kFloat).mul_(0.37f).sin_().mul_(0.5f);
  for (const bool amsgrad : {false, true}) {
    const double weight_decay = amsgrad ? 1e-3 : 0.0;
    at::Tensor reference = start.clone().requires_grad_(true);
    torch::optim::Adam adam({reference}, torch::optim::AdamOptions(1e-2)
                                             .weight_decay(weight_decay)
                                             .amsgrad(amsgrad));
    at::Tensor ours = start.clone().requires_grad_(true);
    torch::optim::AdamOptions options(1e-2);
    options.weight_decay(weight_decay).amsgrad(amsgrad);
    torch::optim::AdamParamState state = NewState(ours, amsgrad);
    for (int step = 1; step <= 3; ++step) {
      at::Tensor grad = at::arange(n, at::kFloat).mul_(0.11f * step).cos_().mul_(1e-2f * step);
      reference.mutable_grad() = grad.clone();
      ours.mutable_grad() = grad.clone();
      adam.step();
      state.step(step);
      SinglePassUpdate(ours, state, options);
      if (!at::equal(ours, reference)) return false;
    }
  }
  return true;
}

}  // namespace

bool SinglePassCpuAdamAvailable() {
  static const bool available = CpuHasAvx2AndFma() && KernelMatchesLibTorch();
  return available;
}

void LibTorchAdamUpdate(const at::Tensor& p, torch::optim::AdamParamState& state,
                        const torch::optim::AdamOptions& options) {
  at::Tensor grad = p.grad();
  const double beta1 = std::get<0>(options.betas());
  const double beta2 = std::get<1>(options.betas());
  const double bias_correction1 = 1 - std::pow(beta1, state.step());
  const double bias_correction2 = 1 - std::pow(beta2, state.step());
  if (options.weight_decay() != 0) grad = grad.add(p, options.weight_decay());
  state.exp_avg().mul_(beta1).add_(grad, 1 - beta1);
  state.exp_avg_sq().mul_(beta2).addcmul_(grad, grad, 1 - beta2);
  at::Tensor denom;
  if (options.amsgrad()) {
    at::max_out(state.max_exp_avg_sq(), state.exp_avg_sq(), state.max_exp_avg_sq());
    denom = (state.max_exp_avg_sq().sqrt() / std::sqrt(bias_correction2)).add_(options.eps());
  } else {
    denom = (state.exp_avg_sq().sqrt() / std::sqrt(bias_correction2)).add_(options.eps());
  }
  p.addcdiv_(state.exp_avg(), denom, -(options.lr() / bias_correction1));
}

void CpuAdamUpdate(const at::Tensor& p, torch::optim::AdamParamState& state,
                   const torch::optim::AdamOptions& options) {
  if (SinglePassCpuAdamAvailable() && Eligible(p, state, options)) {
    SinglePassUpdate(p, state, options);
  } else {
    LibTorchAdamUpdate(p, state, options);
  }
}

}  // namespace nerve_mtl::optim
