// Loading speed, images/s: a phantom epoch through the batch loader (with and without elastic
// augmentation, 0-2 workers), and the Kaggle path (read a 580x420 TIFF, area-resize to 128x128).
//   bazel run -c opt //data:loader_benchmark -- [--threads=N] [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "common/threads.h"
#include "data/image_io.h"
#include "data/loader.h"
#include "data/phantom.h"
#include "data/resize.h"

ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");

namespace nerve_mtl::data {
namespace {

const Dataset& Phantom128() {
  static const Dataset* dataset = [] {
    PhantomSource source;
    source.set_patients(4);
    source.set_images_per_patient(32);
    return new Dataset(*GeneratePhantom(source, 128, 128, 1, 0));
  }();
  return *dataset;
}

void BM_LoaderEpoch(benchmark::State& state) {
  const Dataset& dataset = Phantom128();
  std::vector<int> all(dataset.examples.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  DataSpec spec;
  spec.mutable_augmentation()->set_hflip_probability(0.5);
  spec.mutable_augmentation()->set_elastic_probability(state.range(1) ? 1.0 : 0.0);
  LoaderOptions options;
  options.batch_size = 8;
  options.shuffle = true;
  options.augment = state.range(1) != 0;
  options.workers = static_cast<int>(state.range(0));
  BatchLoader loader(dataset, all, spec, options);
  int64_t epoch = 0, images = 0;
  for (auto _ : state) {
    loader.StartEpoch(epoch++);
    while (auto batch = loader.Next()) {
      images += batch->images.size(0);
      benchmark::DoNotOptimize(batch->images.data_ptr());
    }
  }
  state.SetItemsProcessed(images);
  state.SetLabel(state.range(1) ? "elastic p=1, hflip" : "no augmentation");
}
BENCHMARK(BM_LoaderEpoch)
    ->ArgNames({"workers", "elastic"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Args({2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ReadKaggleTiffAndResize(benchmark::State& state) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "nerve_mtl_benchmark_580x420.tif").string();
  Image image(1, 420, 580);
  for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<uint8_t>(i * 7);
  if (!WriteTiff(path, image).ok()) {
    state.SkipWithError("cannot write the TIFF");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<Image> read = ReadTiff(path);
    Image small = Resize(*read, 128, 128, RESIZE_AREA);
    benchmark::DoNotOptimize(small.pixels.data());
  }
  state.SetItemsProcessed(state.iterations());
  std::remove(path.c_str());
}
BENCHMARK(BM_ReadKaggleTiffAndResize)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace nerve_mtl::data

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  nerve_mtl::SetTorchThreads(absl::GetFlag(FLAGS_threads));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
