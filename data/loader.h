#ifndef NERVE_MTL_DATA_LOADER_H_
#define NERVE_MTL_DATA_LOADER_H_

#include <ATen/core/Tensor.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// One batch, shaped as the models take it.
struct Batch {
  at::Tensor images;         // [N, C, H, W] float32, normalised as DataSpec.normalization says.
  at::Tensor masks;          // [N, H, W] int64, 0 or 1.
  at::Tensor labels;         // [N] int64 class indices.
  std::vector<int> indices;  // Positions in Dataset::examples, for reports.
};

struct LoaderOptions {
  int batch_size = 4;
  bool shuffle = false;    // Seeded reshuffle every epoch.
  bool augment = false;    // Apply DataSpec.augmentation (training only).
  bool drop_last = false;  // Drop a last, smaller batch.
  int workers = 0;         // Threads assembling batches; 0 assembles them in Next().
  int prefetch = 2;        // Batches a worker may prepare ahead of the consumer.
  // The experiment's seed. With DataSpec.seed it seeds each epoch's order and augmentation, so
  // two experiment seeds see the same images in different batches and augmentations (the data
  // itself and its split depend on DataSpec.seed alone).
  uint64_t seed = 0;
};

// Batches a subset of a data set, in the spirit of torch::data's DataLoader but deterministic:
// the order of an epoch and every augmentation draw derive from (DataSpec.seed, the options'
// seed, epoch, example),
// so batches are identical for any number of workers. Workers prepare batches ahead of Next().
class BatchLoader {
 public:
  // `dataset` must outlive the loader; `indices` index its examples (e.g. a split's train part).
  BatchLoader(const Dataset& dataset, std::vector<int> indices, const DataSpec& spec,
              LoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Batches in one epoch.
  int64_t size() const;
  int64_t examples() const { return static_cast<int64_t>(indices_.size()); }

  // Starts (or restarts) epoch `epoch`; the first epoch starts on its own.
  void StartEpoch(int64_t epoch);
  // The next batch of the current epoch, in order, or nullopt when the epoch is done.
  std::optional<Batch> Next();

  // Assembles the batch of the given examples (no threads); Next() uses it too.
  Batch MakeBatch(const std::vector<int>& examples, int64_t epoch) const;

 private:
  void StopWorkers();
  void WorkerLoop();

  const Dataset& dataset_;
  const std::vector<int> indices_;
  const DataSpec spec_;
  const LoaderOptions options_;

  int64_t epoch_ = -1;
  std::vector<std::vector<int>> batches_;  // Example indices of each batch of the epoch.
  int64_t consumed_ = 0;

  std::mutex mutex_;
  std::condition_variable ready_;     // A batch was finished.
  std::condition_variable progress_;  // The consumer took one, or stop.
  std::map<int64_t, Batch> finished_;
  std::atomic<int64_t> next_to_build_{0};
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_LOADER_H_
