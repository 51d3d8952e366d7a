// One Adam step over ResNet-18's parameters (width 64, one input channel, 3 classes: 11.2M
// floats in 62 tensors) with amsgrad, as the study trains it: LibTorch's torch::optim::Adam
// against MultiTensorAdam (the single-pass kernel on the CPU).
//   bazel run -c opt //optim:adam_benchmark -- [--threads=N]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/optim/adam.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "common/threads.h"
#include "optim/adam.h"
#include "optim/adam_cpu.h"

ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");

namespace nerve_mtl::optim {
namespace {

// ResNet-18's parameter shapes: convolutions, each followed by batch norm's weight and bias, and
// the final linear layer.
std::vector<at::Tensor> ResNet18Parameters() {
  std::vector<std::vector<int64_t>> shapes = {{64, 1, 7, 7}, {64}, {64}};
  int64_t in = 64;
  for (const int64_t width : {64, 128, 256, 512}) {
    for (int block = 0; block < 2; ++block) {
      const bool downsample = block == 0 && width != in;
      shapes.push_back({width, in, 3, 3});
      shapes.push_back({width});
      shapes.push_back({width});
      shapes.push_back({width, width, 3, 3});
      shapes.push_back({width});
      shapes.push_back({width});
      if (downsample) {
        shapes.push_back({width, in, 1, 1});
        shapes.push_back({width});
        shapes.push_back({width});
      }
      in = width;
    }
  }
  shapes.push_back({3, 512});
  shapes.push_back({3});
  std::vector<at::Tensor> params;
  for (const auto& shape : shapes) {
    at::Tensor p = at::randn(shape).requires_grad_(true);
    p.mutable_grad() = at::randn(shape) * 1e-2;
    params.push_back(p);
  }
  return params;
}

template <typename Adam>
void BM_AdamStep(benchmark::State& state) {
  at::manual_seed(0);
  const std::vector<at::Tensor> params = ResNet18Parameters();
  Adam adam(params, torch::optim::AdamOptions(5e-3).amsgrad(true));
  int64_t floats = 0;
  for (const at::Tensor& p : params) floats += p.numel();
  for (auto _ : state) adam.step();
  state.counters["parameters"] = static_cast<double>(floats);
  state.counters["threads"] = at::get_num_threads();
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_TEMPLATE(BM_AdamStep, torch::optim::Adam)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_AdamStep, MultiTensorAdam)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nerve_mtl::optim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  const int threads = nerve_mtl::SetTorchThreads(absl::GetFlag(FLAGS_threads));
  benchmark::AddCustomContext("torch_threads", std::to_string(threads));
  benchmark::AddCustomContext("single_pass_kernel",
                              nerve_mtl::optim::SinglePassCpuAdamAvailable() ? "yes" : "no");
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
