#include "data/loader.h"

#include <ATen/Functions.h>

#include <algorithm>
#include <utility>

#include "data/random.h"
#include "data/transforms.h"

namespace nerve_mtl::data {
namespace {

constexpr uint64_t kShuffleStream = 0x5407f1e;
constexpr uint64_t kAugmentStream = 0xa06e47;

}  // namespace

BatchLoader::BatchLoader(const Dataset& dataset, std::vector<int> indices, const DataSpec& spec,
                         LoaderOptions options)
    : dataset_(dataset), indices_(std::move(indices)), spec_(spec), options_(options) {
  StartEpoch(0);
}

BatchLoader::~BatchLoader() { StopWorkers(); }

int64_t BatchLoader::size() const {
  const int64_t n = examples(), b = std::max(1, options_.batch_size);
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void BatchLoader::StopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  progress_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  stop_ = false;
}

void BatchLoader::StartEpoch(int64_t epoch) {
  StopWorkers();
  epoch_ = epoch;
  std::vector<int> order = indices_;
  if (options_.shuffle) {
    Rng rng(DeriveSeed(spec_.seed(),
                       {kShuffleStream, options_.seed, static_cast<uint64_t>(epoch)}));
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.UniformInt(i)]);
  }
  batches_.clear();
  const size_t b = static_cast<size_t>(std::max(1, options_.batch_size));
  for (int64_t k = 0; k < size(); ++k) {
    const size_t begin = k * b, end = std::min(order.size(), begin + b);
    batches_.emplace_back(order.begin() + begin, order.begin() + end);
  }
  consumed_ = 0;
  finished_.clear();
  next_to_build_ = 0;
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void BatchLoader::WorkerLoop() {
  const int64_t ahead = static_cast<int64_t>(std::max(1, options_.prefetch)) *
                        std::max(1, options_.workers);
  while (true) {
    const int64_t k = next_to_build_.fetch_add(1);
    if (k >= static_cast<int64_t>(batches_.size())) return;
    {
      // Bound memory: do not run more than `ahead` batches in front of the consumer.
      std::unique_lock<std::mutex> lock(mutex_);
      progress_.wait(lock, [&] { return stop_ || k < consumed_ + ahead; });
      if (stop_) return;
    }
    Batch batch = MakeBatch(batches_[k], epoch_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      finished_.emplace(k, std::move(batch));
    }
    ready_.notify_all();
  }
}

std::optional<Batch> BatchLoader::Next() {
  if (consumed_ >= static_cast<int64_t>(batches_.size())) return std::nullopt;
  if (workers_.empty()) return MakeBatch(batches_[consumed_++], epoch_);
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return finished_.count(consumed_) > 0; });
  auto it = finished_.find(consumed_);
  Batch batch = std::move(it->second);
  finished_.erase(it);
  ++consumed_;
  lock.unlock();
  progress_.notify_all();
  return batch;
}

Batch BatchLoader::MakeBatch(const std::vector<int>& examples, int64_t epoch) const {
  const int64_t n = static_cast<int64_t>(examples.size());
  const int c = spec_.channels(), h = spec_.height(), w = spec_.width();
  Batch batch;
  batch.indices = examples;
  batch.images = at::empty({n, c, h, w}, at::kFloat);
  batch.masks = at::empty({n, h, w}, at::kLong);
  batch.labels = at::empty({n}, at::kLong);
  float* images = batch.images.data_ptr<float>();
  int64_t* masks = batch.masks.data_ptr<int64_t>();
  int64_t* labels = batch.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const Example& e = dataset_.examples[examples[i]];
    const Image* image = &e.image;
    const Mask* mask = &e.mask;
    Image augmented;
    Mask augmented_mask;
    if (options_.augment) {
      augmented = e.image;
      augmented_mask = e.mask;
      Augment(spec_.augmentation(),
              DeriveSeed(spec_.seed(), {kAugmentStream, options_.seed, static_cast<uint64_t>(epoch),
                                        static_cast<uint64_t>(examples[i])}),
              &augmented, &augmented_mask);
      image = &augmented;
      mask = &augmented_mask;
    }
    Normalize(*image, spec_.normalization(), images + i * c * h * w);
    std::copy(mask->pixels.begin(), mask->pixels.end(), masks + i * h * w);
    labels[i] = e.label;
  }
  return batch;
}

}  // namespace nerve_mtl::data
