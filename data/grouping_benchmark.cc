// Near-duplicate grouping speed on synthetic data sets of a few thousand 128x128 images (the
// size of BUSI, 780, and of the Kaggle training set, 5,635): hashing every image, then all
// pairs of hashes. One core.
//   bazel run -c opt //data:grouping_benchmark
#include <cstdint>
#include <string>

#include "benchmark/benchmark.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/near_duplicates.h"
#include "data/perceptual_hash.h"

namespace nerve_mtl::data {
namespace {

constexpr int kSize = 128;
constexpr int kImagesPerPatient = 50;

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Blocks of 16x16 pixels with random gray levels, so hashes are spread like real images'. Every
// tenth image repeats the one before it, brighter, as a near-duplicate within the patient.
Dataset Synthetic(int images) {
  Dataset dataset;
  dataset.class_names = {"a", "b"};
  for (int i = 0; i < images; ++i) {
    Example e;
    e.id = "i" + std::to_string(i);
    e.patient = "p" + std::to_string(i / kImagesPerPatient);
    e.label = (i / kImagesPerPatient) % 2;
    e.image = Image(1, kSize, kSize);
    e.mask = Mask(kSize, kSize);
    const uint64_t source = static_cast<uint64_t>(i % 10 == 9 ? i - 1 : i);
    const int shift = i % 10 == 9 ? 8 : 0;
    for (int y = 0; y < kSize; ++y) {
      for (int x = 0; x < kSize; ++x) {
        const uint64_t block = Mix(source * 4096 + static_cast<uint64_t>((y / 16) * 64 + x / 16));
        e.image.at(0, y, x) = static_cast<uint8_t>((block % 200) + shift);
      }
    }
    dataset.examples.push_back(std::move(e));
  }
  return dataset;
}

void BM_DifferenceHash(benchmark::State& state) {
  const Dataset dataset = Synthetic(16);
  int i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(DifferenceHash(dataset.examples[i % 16].image));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DifferenceHash);

// Arg: images. Items are images; the pair count is reported as a counter.
void BM_GroupNearDuplicates(benchmark::State& state) {
  const int images = static_cast<int>(state.range(0));
  const Dataset original = Synthetic(images);
  NearDuplicateGrouping options;  // the defaults: distance 4, conflicts excluded
  int groups = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Dataset dataset = original;  // grouping rewrites patients; each run starts from the same
    state.ResumeTiming();
    absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(options, &dataset);
    if (!summary.ok()) {
      state.SkipWithError(std::string(summary.status().message()).c_str());
      return;
    }
    groups = summary->groups;
  }
  state.SetItemsProcessed(state.iterations() * images);
  state.counters["pairs"] = static_cast<double>(images) * (images - 1) / 2;
  state.counters["groups"] = groups;
}
BENCHMARK(BM_GroupNearDuplicates)
    ->ArgName("images")
    ->Arg(780)
    ->Arg(2000)
    ->Arg(5635)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nerve_mtl::data
