#include "optim/adam_cpu.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <string>
#include <tuple>
#include <vector>

namespace nerve_mtl::optim {
namespace {

// Five steps of torch::optim::Adam and of CpuAdamUpdate on copies of one parameter, with new
// gradients each step; the bits must agree after every step.
void ExpectSameAsLibTorch(const at::Tensor& start, bool amsgrad, double weight_decay) {
  at::Tensor reference = start.clone().requires_grad_(true);
  torch::optim::Adam adam({reference}, torch::optim::AdamOptions(3e-3)
                                           .betas({0.8, 0.99})
                                           .weight_decay(weight_decay)
                                           .amsgrad(amsgrad));
  at::Tensor ours = start.clone().requires_grad_(true);
  torch::optim::AdamOptions options(3e-3);
  options.betas({0.8, 0.99}).weight_decay(weight_decay).amsgrad(amsgrad);
  torch::optim::AdamParamState state;
  state.exp_avg(at::zeros_like(ours, at::MemoryFormat::Preserve));
  state.exp_avg_sq(at::zeros_like(ours, at::MemoryFormat::Preserve));
  if (amsgrad) state.max_exp_avg_sq(at::zeros_like(ours, at::MemoryFormat::Preserve));
  for (int step = 1; step <= 5; ++step) {
    // Gradients shrinking at odd steps exercise amsgrad's running maximum.
    const at::Tensor grad = at::randn_like(start) * (step % 2 == 0 ? 1.0 : 0.1);
    reference.mutable_grad() = grad.clone();
    ours.mutable_grad() = grad.clone();
    adam.step();
    state.step(step);
    {
      torch::NoGradGuard no_grad;  // As in every optimiser's step().
      CpuAdamUpdate(ours, state, options);
    }
    ASSERT_TRUE(at::equal(ours, reference))
        << "step " << step << ", " << start.numel() << " elements, amsgrad " << amsgrad
        << ", weight decay " << weight_decay << ": max difference "
        << (ours - reference).abs().max().item<float>();
  }
}

class CpuAdamTest : public ::testing::TestWithParam<std::tuple<bool, double>> {};

// Sizes below, at and past one AVX2 vector, and past one parallel task (32,768 elements), so the
// vector body, the scalar tail and the split across threads all run.
TEST_P(CpuAdamTest, BitIdenticalToLibTorchAdam) {
  const auto [amsgrad, weight_decay] = GetParam();
  at::manual_seed(5);
  for (const int64_t n : {1, 7, 8, 9, 100, 2 * 32768 + 5}) {
    ExpectSameAsLibTorch(at::randn({n}), amsgrad, weight_decay);
  }
  ExpectSameAsLibTorch(at::randn({16, 3, 5, 5}), amsgrad, weight_decay);
}

// A transposed parameter is not contiguous: LibTorch's per-tensor update runs for it.
TEST_P(CpuAdamTest, NonContiguousParametersTakeLibTorchsUpdate) {
  const auto [amsgrad, weight_decay] = GetParam();
  at::manual_seed(6);
  const at::Tensor transposed = at::randn({9, 13}).t();
  ASSERT_FALSE(transposed.is_contiguous());
  ExpectSameAsLibTorch(transposed, amsgrad, weight_decay);
}

INSTANTIATE_TEST_SUITE_P(AmsgradAndWeightDecay, CpuAdamTest,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(0.0, 1e-3)));

// The kernel's roundings were read off LibTorch 1.13's CPU kernels (optim/adam_kernel.h); on that
// LibTorch and a CPU with AVX2 and FMA the single-pass kernel must be the one running, or the
// tests above would only have compared LibTorch with itself.
TEST(CpuAdamTest, TheSinglePassKernelRunsWhereItWasVerified) {
  __builtin_cpu_init();
  if (TORCH_VERSION_MAJOR != 1 || !__builtin_cpu_supports("avx2") ||
      !__builtin_cpu_supports("fma")) {
    GTEST_SKIP() << "verified on LibTorch 1.13 with AVX2 and FMA only";
  }
  EXPECT_TRUE(SinglePassCpuAdamAvailable());
}

}  // namespace
}  // namespace nerve_mtl::optim
