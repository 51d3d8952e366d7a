// Phantom generation speed, one image per iteration, on one core.
//   bazel run -c opt //data:phantom_benchmark
#include <cstdint>

#include "benchmark/benchmark.h"
#include "data/data_spec.pb.h"
#include "data/phantom.h"

namespace nerve_mtl::data {
namespace {

// Args: height, width, channels.
void BM_GeneratePhantomExample(benchmark::State& state) {
  const int height = static_cast<int>(state.range(0));
  const int width = static_cast<int>(state.range(1));
  const int channels = static_cast<int>(state.range(2));
  PhantomSource spec;
  spec.set_empty_fraction(0.1);
  spec.set_duplicate_fraction(0.1);
  int i = 0;
  for (auto _ : state) {
    // Cycle through patients and images, so every class and role is timed.
    const int patient = i % spec.patients();
    const int index = (i / spec.patients()) % spec.images_per_patient();
    Example ex = GeneratePhantomExample(spec, height, width, channels, 0, patient, index);
    benchmark::DoNotOptimize(ex.image.pixels.data());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeneratePhantomExample)
    ->ArgNames({"h", "w", "c"})
    ->Args({64, 64, 1})
    ->Args({128, 128, 1})
    ->Args({256, 256, 1})
    ->Args({128, 128, 3});

}  // namespace
}  // namespace nerve_mtl::data
