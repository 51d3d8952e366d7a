// What the networks' tests share (models_test.cc, softquickfcn_test.cc): a small spec, a
// batch of discs to overfit, parameter counts by hand, gradient and rejection checks.
#ifndef NERVE_MTL_MODELS_TEST_UTIL_H_
#define NERVE_MTL_MODELS_TEST_UTIL_H_

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "models/model.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models::model_testing {

inline constexpr int kBatch = 4;
inline constexpr int kSize = 32;
// The small spec's filters.
inline constexpr int64_t kF = 8;

// 1 input channel, 32x32, F = 8, k = 3, depth 2, no dropout, ResNet width 8: small enough that
// training one batch for 150 steps takes seconds on 2 cores.
ModelSpec SmallSpec(const std::string& name);

// CreateModel, cast to the expected type; nullptr (and a test failure) otherwise.
template <typename Impl>
std::shared_ptr<Impl> Create(const ModelSpec& spec) {
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return nullptr;
  std::shared_ptr<Impl> typed = std::dynamic_pointer_cast<Impl>(*model);
  EXPECT_NE(typed, nullptr) << spec.name() << " has an unexpected type";
  return typed;
}

// Parameters of a dense block with c input channels, f filters, k x k kernels, without
// squeeze-excitation: three convolutions with biases, `norm_parameters_per_channel` (2 for
// affine normalization, 0 without) over c, c + f and c + 2f channels, one PReLU slope.
int64_t Dense(int64_t c, int64_t f, int64_t k, int64_t norm_parameters_per_channel = 2);
// The small spec's parts: encoder (with its bottleneck), decoder, 1x1 segmentation head (2
// classes), global-average-pool head (3 classes).
int64_t SmallEncoder();
int64_t SmallDecoder();
inline constexpr int64_t kSmallSegmentationHead = kF * 2 + 2;
inline constexpr int64_t kSmallGapHead = kF * 3 + 3;

// Four 32x32 images; image i has label i % 3 and a disc (its mask) of brightness rising with
// the label at its own place, on seeded noise.
struct Batch {
  torch::Tensor images;  // [4, 1, 32, 32]
  torch::Tensor masks;   // [4, 32, 32], 0/1 (int64)
  torch::Tensor labels;  // [4] (int64)
};
Batch MakeBatch();

// Trains on one batch with Adam until, in eval mode, the segmentation Dice exceeds 0.95 and the
// classification accuracy is 1 (for what the model predicts). Returns the steps it took, or -1
// after `max_steps`.
int StepsToOverfit(MultitaskModelImpl& model, int max_steps);

// The parameter's name in `model`, or "(not a parameter of the model)".
std::string NameOf(torch::nn::Module& model, const torch::Tensor& parameter);
bool HasGradient(const torch::Tensor& parameter);

// Backward of the sum of every output, in eval mode; every parameter must then hold a non-zero
// gradient. Callers fix the seed (a small squeeze-excitation's ReLU can be dead at a random
// init, which is legitimate but would read as a broken connection).
void ExpectGradientReachesEveryParameter(MultitaskModelImpl& model);

enum class Task { kSegmentation, kClassification };
// Backward of one task's output only, in eval mode.
void BackwardOneTask(MultitaskModelImpl& model, Task task);
// Each task alone reaches every shared parameter and the last shared weight.
void ExpectBothTasksReachTheSharedParameters(MultitaskModelImpl& model);

// ValidateModelSpec refuses `spec` with InvalidArgument naming "model.<field>:", and CreateModel
// with the same status.
void ExpectRejected(const ModelSpec& spec, const std::string& field);

}  // namespace nerve_mtl::models::model_testing

#endif  // NERVE_MTL_MODELS_TEST_UTIL_H_
