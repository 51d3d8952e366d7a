// Speed of every network on the CPU, images/s: inference (eval mode, no gradient) and one train
// step (train mode, forward, loss, backward, Adam step), batch 4, 64x64 and 128x128 single-channel
// images, every ModelSpec default (64 filters, 5x5 kernels, depth 4, global-average-pool head,
// ResNet width 64). The loss is the plain mean pixel cross-entropy of the segmentation logits
// plus the cross-entropy of the classification logits (each where the network has it), so that
// tests/reference/bench_models.py does exactly the same work in PyTorch.
//   bazel run -c opt //models:models_benchmark -- [--threads=N] [--benchmark_filter=...]
//   tools/bench_models.sh   (side by side with PyTorch, docs/PERFORMANCE.md)
#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/threads.h"
#include "models/model.h"
#include "models/model_spec.pb.h"

ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");

namespace nerve_mtl::models {
namespace {

constexpr int64_t kBatch = 4;
// Long enough for a few steps of the slowest case; a whole run stays at a few minutes.
constexpr double kMinTimeSeconds = 2.0;

struct Batch {
  at::Tensor images;  // [kBatch, 1, size, size]
  at::Tensor masks;   // [kBatch, size, size], classes 0..1
  at::Tensor labels;  // [kBatch], classes 0..2
};

Batch RandomBatch(const ModelSpec& spec, int64_t size) {
  Batch batch;
  batch.images = at::randn({kBatch, spec.input_channels(), size, size});
  batch.masks = at::randint(spec.segmentation_classes(), {kBatch, size, size}, at::kLong);
  batch.labels = at::randint(spec.classification_classes(), {kBatch}, at::kLong);
  return batch;
}

// A default-spec model at size x size, or nullptr after SkipWithError.
std::shared_ptr<MultitaskModelImpl> Create(benchmark::State& state, const std::string& name,
                                           int64_t size) {
  torch::manual_seed(0);
  ModelSpec spec;
  spec.set_name(name);
  spec.set_input_height(static_cast<int>(size));
  spec.set_input_width(static_cast<int>(size));
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  if (!model.ok()) {
    state.SkipWithError(std::string(model.status().message()).c_str());
    return nullptr;
  }
  return *model;
}

ModelSpec DefaultSpec() { return ModelSpec(); }

at::Tensor Loss(const ModelOutput& out, const Batch& batch) {
  at::Tensor loss = at::zeros({});
  if (out.segmentation.defined()) {
    loss = loss + at::cross_entropy_loss(out.segmentation, batch.masks);
  }
  if (out.classification.defined()) {
    loss = loss + at::cross_entropy_loss(out.classification, batch.labels);
  }
  return loss;
}

// Inference: eval mode, no autograd graph.
void BM_Forward(benchmark::State& state, const std::string& name) {
  const int64_t size = state.range(0);
  std::shared_ptr<MultitaskModelImpl> model = Create(state, name, size);
  if (model == nullptr) return;
  const Batch batch = RandomBatch(DefaultSpec(), size);
  model->eval();
  torch::NoGradGuard no_grad;
  benchmark::DoNotOptimize(model->forward(batch.images));  // Warm-up, untimed.
  for (auto _ : state) {
    const ModelOutput out = model->forward(batch.images);
    benchmark::DoNotOptimize(out.segmentation.defined() ? out.segmentation.data_ptr()
                                                        : out.classification.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["threads"] = at::get_num_threads();
}

// One optimisation step: train mode (dropout and batch statistics on), forward, loss, backward,
// Adam (lr 1e-4).
void BM_TrainStep(benchmark::State& state, const std::string& name) {
  const int64_t size = state.range(0);
  std::shared_ptr<MultitaskModelImpl> model = Create(state, name, size);
  if (model == nullptr) return;
  const Batch batch = RandomBatch(DefaultSpec(), size);
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-4));
  auto step = [&] {
    optimizer.zero_grad();
    at::Tensor loss = Loss(model->forward(batch.images), batch);
    loss.backward();
    optimizer.step();
    return loss;
  };
  step();  // Warm-up, untimed: allocations, Adam's state.
  for (auto _ : state) {
    benchmark::DoNotOptimize(step().data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["threads"] = at::get_num_threads();
}

// Forward and train step of every model, at 64x64 and 128x128; names keep the form
// BM_Forward/quicknat/size:64 that tools/bench_models.sh reads.
void RegisterAll() {
  for (const char* model : {"quicknat", "resultnet", "quickfcn", "softquickfcn"}) {
    for (const auto& [name, function] :
         {std::pair{"BM_Forward", &BM_Forward}, std::pair{"BM_TrainStep", &BM_TrainStep}}) {
      benchmark::RegisterBenchmark(absl::StrCat(name, "/", model).c_str(), function,
                                   std::string(model))
          ->ArgName("size")
          ->Arg(64)
          ->Arg(128)
          ->MinTime(kMinTimeSeconds)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace nerve_mtl::models

int main(int argc, char** argv) {
  nerve_mtl::models::RegisterAll();
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  const int threads = nerve_mtl::SetTorchThreads(absl::GetFlag(FLAGS_threads));
  benchmark::AddCustomContext("torch_threads", std::to_string(threads));
  benchmark::AddCustomContext("libtorch", TORCH_VERSION);
  benchmark::AddCustomContext("batch", std::to_string(nerve_mtl::models::kBatch));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
