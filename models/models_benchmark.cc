// Speed of every network, images/s: inference (eval mode, no gradient) and one train step (train
// mode, forward, loss, backward, Adam step) on single-channel images, every ModelSpec default
// (64 filters, 5x5 kernels, depth 4, global-average-pool head, ResNet width 64). The loss is the
// plain mean pixel cross-entropy of the segmentation logits plus the cross-entropy of the
// classification logits (each where the network has it), so that tests/reference/bench_models.py
// does exactly the same work in PyTorch. On a GPU each step ends with a synchronize, and the
// peak_gpu_bytes counter is the caching allocator's peak over the timed steps.
//   bazel run -c opt //models:models_benchmark -- [--threads=N] [--benchmark_filter=...]
//   tools/bench_models.sh   (CPU, side by side with PyTorch, docs/PERFORMANCE.md)
//   build/models/models_benchmark --device=cuda --batch=16 --sizes=128,256   (tools/gpu_check.sh)
#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#ifdef NERVE_MTL_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif
#ifdef NERVE_MTL_WITH_CUDA_GRAPHS
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/cli.h"
#include "common/compute.h"
#include "common/compute_flags.h"
#include "losses/cross_entropy.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "optim/adam.h"

ABSL_FLAG(int, batch, 4, "Images per step");
ABSL_FLAG(std::vector<std::string>, sizes, (std::vector<std::string>{"64", "128"}),
          "Image sizes (square), comma-separated");
ABSL_FLAG(std::string, config, "default",
          "Network sizes: default (every ModelSpec default: 64 filters, 5x5, depth 4) or study "
          "(the default study's: 16 filters, 3x3, depth 3, dropout 0.1, ResNet width 16)");
ABSL_FLAG(std::vector<std::string>, models,
          (std::vector<std::string>{"quicknat", "resultnet", "quickfcn", "softquickfcn"}),
          "Networks, comma-separated");

namespace nerve_mtl::models {
namespace {

// Long enough for a few steps of the slowest case; a whole run stays at a few minutes.
constexpr double kMinTimeSeconds = 2.0;

// Set once by main() from the flags.
struct Setup {
  Compute compute;
  int threads = 0;
  int64_t batch = 4;
  ModelSpec base;  // Sizes of the --config; name and input size are set per case.
};
Setup& GetSetup() {
  static Setup setup;
  return setup;
}

struct Batch {
  at::Tensor images;  // [batch, 1, size, size], on the device, in the compute's layout
  at::Tensor masks;   // [batch, size, size], classes 0..1
  at::Tensor labels;  // [batch], classes 0..2
};

Batch RandomBatch(const ModelSpec& spec, int64_t size) {
  const Setup& setup = GetSetup();
  const int64_t n = setup.batch;
  Batch batch;
  batch.images = PlaceImages(at::randn({n, spec.input_channels(), size, size}), setup.compute);
  batch.masks =
      at::randint(spec.segmentation_classes(), {n, size, size}, at::kLong).to(setup.compute.device);
  batch.labels =
      at::randint(spec.classification_classes(), {n}, at::kLong).to(setup.compute.device);
  return batch;
}

// The caching allocator's peak since the last reset, on CUDA builds; -1 elsewhere.
void ResetPeakMemory() {
#ifdef NERVE_MTL_WITH_CUDA
  if (GetSetup().compute.cuda()) {
    c10::cuda::CUDACachingAllocator::resetPeakStats(GetSetup().compute.device.index());
  }
#endif
}

double PeakMemoryBytes() {
#ifdef NERVE_MTL_WITH_CUDA
  if (GetSetup().compute.cuda()) {
    // allocated_bytes[0] is the aggregate over pool types.
    return static_cast<double>(
        c10::cuda::CUDACachingAllocator::getDeviceStats(GetSetup().compute.device.index())
            .allocated_bytes[0]
            .peak);
  }
#endif
  return -1;
}

// Steps queue asynchronously on a GPU: wait for each, so that a step's time is its own.
void Synchronize() {
  if (GetSetup().compute.cuda()) torch::cuda::synchronize();
}

void SetCounters(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * GetSetup().batch);
  state.counters["threads"] = at::get_num_threads();
  state.counters["batch"] = static_cast<double>(GetSetup().batch);
  if (GetSetup().compute.cuda()) state.counters["peak_gpu_bytes"] = PeakMemoryBytes();
}

// A default-spec model at size x size, or nullptr after SkipWithError.
std::shared_ptr<MultitaskModelImpl> Create(benchmark::State& state, const std::string& name,
                                           int64_t size) {
  torch::manual_seed(0);
  ModelSpec spec = GetSetup().base;
  spec.set_name(name);
  spec.set_input_height(static_cast<int>(size));
  spec.set_input_width(static_cast<int>(size));
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  if (!model.ok()) {
    state.SkipWithError(std::string(model.status().message()).c_str());
    return nullptr;
  }
  PlaceModule(**model, GetSetup().compute);
  return *model;
}

ModelSpec DefaultSpec() { return ModelSpec(); }

// In fp32 whatever precision the forward pass ran in, as the trainer does; losses::CrossEntropy
// is LibTorch's except on a GPU in deterministic mode, which refuses LibTorch's.
at::Tensor Loss(const ModelOutput& out, const Batch& batch) {
  at::Tensor loss = at::zeros({}, batch.masks.options().dtype(at::kFloat));
  if (out.segmentation.defined()) {
    loss = loss + losses::CrossEntropy(out.segmentation.to(at::kFloat), batch.masks);
  }
  if (out.classification.defined()) {
    loss = loss + losses::CrossEntropy(out.classification.to(at::kFloat), batch.labels);
  }
  return loss;
}

// Times `step` (after `warm_up` untimed calls: allocations, Adam's state, cuDNN autotuning),
// waiting for the device after each call, and sets the counters.
template <typename Step>
void TimeSteps(benchmark::State& state, int warm_up, Step step) {
  for (int i = 0; i < warm_up; ++i) step();
  Synchronize();
  ResetPeakMemory();
  for (auto _ : state) {
    step();
    Synchronize();
  }
  SetCounters(state);
}

ModelOutput Forward(MultitaskModelImpl& model, const at::Tensor& images) {
  AutocastScope autocast(GetSetup().compute);
  return model.forward(images);
}

// Inference: eval mode, no autograd graph.
void BM_Forward(benchmark::State& state, const std::string& name) {
  const int64_t size = state.range(0);
  std::shared_ptr<MultitaskModelImpl> model = Create(state, name, size);
  if (model == nullptr) return;
  const Batch batch = RandomBatch(DefaultSpec(), size);
  model->eval();
  torch::NoGradGuard no_grad;
  TimeSteps(state, /*warm_up=*/3, [&] {
    const ModelOutput out = Forward(*model, batch.images);
    benchmark::DoNotOptimize(out.segmentation.defined() ? out.segmentation.data_ptr()
                                                        : out.classification.data_ptr());
  });
}

// One optimisation step: train mode (dropout and batch statistics on), forward, loss, backward,
// Adam (lr 1e-4).
void BM_TrainStep(benchmark::State& state, const std::string& name) {
  const int64_t size = state.range(0);
  std::shared_ptr<MultitaskModelImpl> model = Create(state, name, size);
  if (model == nullptr) return;
  const Batch batch = RandomBatch(DefaultSpec(), size);
  model->train();
  optim::MultiTensorAdam optimizer(model->parameters(), torch::optim::AdamOptions(1e-4));
  TimeSteps(state, /*warm_up=*/3, [&] {
    optimizer.zero_grad();
    at::Tensor loss = Loss(Forward(*model, batch.images), batch);
    loss.backward();
    optimizer.step();
    benchmark::DoNotOptimize(loss.data_ptr());
  });
}

#ifdef NERVE_MTL_WITH_CUDA_GRAPHS
// The same train step captured once in a CUDA graph and replayed: one launch a step instead of
// a few thousand. Shapes are static (one batch), the optimiser keeps its step count and learning
// rate on the GPU (MultiTensorAdam::MakeCapturable), and nothing in the step reads back to the
// host. Built only against a LibTorch with CUDA (CMake option NERVE_MTL_CUDA_GRAPHS).
void BM_TrainStepGraph(benchmark::State& state, const std::string& name) {
  if (!GetSetup().compute.cuda()) {
    state.SkipWithError("CUDA graphs need --device=cuda");
    return;
  }
  const int64_t size = state.range(0);
  std::shared_ptr<MultitaskModelImpl> model = Create(state, name, size);
  if (model == nullptr) return;
  const Batch batch = RandomBatch(DefaultSpec(), size);
  model->train();
  optim::MultiTensorAdam optimizer(model->parameters(), torch::optim::AdamOptions(1e-4));
  optimizer.MakeCapturable();
  at::Tensor loss;
  auto step = [&] {
    optimizer.zero_grad(/*set_to_none=*/false);  // Gradients stay in the graph's memory.
    loss = Loss(Forward(*model, batch.images), batch);
    loss.backward();
    optimizer.step();
  };
  // Cached weight casts would be freed between replays; capture recomputes them instead.
  const bool cache = at::autocast::is_autocast_cache_enabled();
  at::autocast::set_autocast_cache_enabled(false);
  // Warm-up on a side stream, as capture requires: autotuning, allocations, Adam's state.
  c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
  at::cuda::CUDAGraph graph;
  {
    c10::cuda::CUDAStreamGuard guard(side);
    for (int i = 0; i < 3; ++i) step();
    side.synchronize();
    graph.capture_begin();
    step();
    graph.capture_end();
  }
  at::autocast::set_autocast_cache_enabled(cache);
  Synchronize();
  // The replayed step must still train: the loss it computes goes down on a fixed batch.
  graph.replay();
  Synchronize();
  const double first = loss.item<double>();
  for (int i = 0; i < 20; ++i) graph.replay();
  Synchronize();
  if (!(loss.item<double>() < first)) {
    state.SkipWithError(
        absl::StrCat("replayed steps do not train: loss ", first, " -> ", loss.item<double>())
            .c_str());
    return;
  }
  TimeSteps(state, /*warm_up=*/0, [&] { graph.replay(); });
}
#endif

// Forward and train step of each model at each size; names keep the form
// BM_Forward/quicknat/size:64 that tools/bench_models.sh reads.
void RegisterAll(const std::vector<std::string>& models, const std::vector<int64_t>& sizes) {
  for (const std::string& model : models) {
    std::vector<std::pair<const char*, void (*)(benchmark::State&, const std::string&)>> kinds = {
        {"BM_Forward", &BM_Forward}, {"BM_TrainStep", &BM_TrainStep}};
#ifdef NERVE_MTL_WITH_CUDA_GRAPHS
    kinds.emplace_back("BM_TrainStepGraph", &BM_TrainStepGraph);
#endif
    for (const auto& [name, function] : kinds) {
      benchmark::internal::Benchmark* b =
          benchmark::RegisterBenchmark(absl::StrCat(name, "/", model).c_str(), function, model);
      b->ArgName("size")->MinTime(kMinTimeSeconds)->UseRealTime()->Unit(benchmark::kMillisecond);
      for (int64_t size : sizes) b->Arg(size);
    }
  }
}

absl::Status Configure() {
  // --threads, --device, --precision, --deterministic (common/compute_flags.h).
  absl::StatusOr<ComputeSetup> compute = SetUpComputeFromFlags();
  if (!compute.ok()) return compute.status();
  if (absl::GetFlag(FLAGS_batch) < 1) return absl::InvalidArgumentError("--batch must be >= 1");
  std::vector<int64_t> sizes;
  for (const std::string& s : absl::GetFlag(FLAGS_sizes)) {
    int64_t size = 0;
    if (!absl::SimpleAtoi(s, &size) || size < 16 || size % 16 != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--sizes: '", s, "' is not a multiple of 16 (four 2x2 poolings)"));
    }
    sizes.push_back(size);
  }
  GetSetup().compute = compute->compute;
  GetSetup().threads = compute->threads;
  GetSetup().batch = absl::GetFlag(FLAGS_batch);
  const std::string config = absl::GetFlag(FLAGS_config);
  if (config == "study") {
    ModelSpec& base = GetSetup().base;
    base.set_filters(16);
    base.set_kernel_size(3);
    base.set_depth(3);
    base.set_dropout(0.1);
    base.set_resnet_width(16);
  } else if (config != "default") {
    return absl::InvalidArgumentError(
        absl::StrCat("--config: '", config, "' is neither default nor study"));
  }
  RegisterAll(absl::GetFlag(FLAGS_models), sizes);
  return absl::OkStatus();
}

}  // namespace
}  // namespace nerve_mtl::models

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = nerve_mtl::models::Configure(); !s.ok()) {
    return nerve_mtl::ReportFailure("models_benchmark", s);
  }
  benchmark::AddCustomContext("torch_threads",
                              std::to_string(nerve_mtl::models::GetSetup().threads));
  benchmark::AddCustomContext("libtorch", TORCH_VERSION);
  benchmark::AddCustomContext("batch", std::to_string(nerve_mtl::models::GetSetup().batch));
  benchmark::AddCustomContext("config", absl::GetFlag(FLAGS_config));
  benchmark::AddCustomContext("compute",
                              nerve_mtl::DescribeCompute(nerve_mtl::models::GetSetup().compute));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
