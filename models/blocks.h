// QuickNAT's building blocks (Roy et al. 2018; docs/DESIGN.md section 1), shared by every
// QuickNAT-family network: quicknat, quickclassifier, quickfcn, softquickfcn.
#ifndef NERVE_MTL_MODELS_BLOCKS_H_
#define NERVE_MTL_MODELS_BLOCKS_H_

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

// Channel and spatial squeeze-excitation ("ChannelSpatialSELayer" of Roy et al.'s
// nn-common-modules): cSE = x * sigmoid(FC(ReLU(FC(avgpool(x))))) with a C/2 bottleneck,
// sSE = x * sigmoid(conv1x1(x) -> 1 channel), output = max(cSE, sSE) elementwise: other
// implementations sum the two, but the reference code the study built on takes the max.
class ChannelSpatialSEImpl : public torch::nn::Module {
 public:
  explicit ChannelSpatialSEImpl(int64_t channels);
  void reset();
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t channels_;
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
  torch::nn::Conv2d spatial_{nullptr};
};
TORCH_MODULE(ChannelSpatialSE);

struct DenseBlockOptions {
  DenseBlockOptions(int64_t in_channels, int64_t filters)
      : in_channels_(in_channels), filters_(filters) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, filters);
  // Odd, so that padding (k-1)/2 keeps the spatial size ("same" padding).
  TORCH_ARG(int64_t, kernel_size) = 5;
  TORCH_ARG(NormalizationLayer, normalization) = BATCH_NORM;
  // Learnable per-channel scale and shift in each normalization.
  TORCH_ARG(bool, normalization_affine) = true;
  // Squeeze-excitation on the block's output.
  TORCH_ARG(bool, csse) = false;
};

// norm->PReLU->conv kxk (F) -> cat(in, o1) -> norm->PReLU->conv kxk (F) -> cat(in, o1, o2)
// -> norm->PReLU->conv 1x1 (F) [-> CSSE]. One PReLU (one slope) serves all three stages, as in
// the reference implementation. Output: [N, F, H, W].
class DenseBlockImpl : public torch::nn::Module {
 public:
  explicit DenseBlockImpl(const DenseBlockOptions& options);
  void reset();
  torch::Tensor forward(const torch::Tensor& x);

  const DenseBlockOptions& options() const { return options_; }
  // The last convolution (the 1x1 one): hard sharing's last shared layer for GradNorm.
  torch::nn::Conv2d conv3() const { return conv3_; }

 private:
  DenseBlockOptions options_;
  // BatchNorm2d or InstanceNorm2d (without running statistics), affine or not, as the options
  // say.
  torch::nn::AnyModule norm1_, norm2_, norm3_;
  torch::nn::PReLU prelu_{nullptr};
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  ChannelSpatialSE csse_{nullptr};
};
TORCH_MODULE(DenseBlock);

struct EncoderBlockOutput {
  torch::Tensor pooled;    // [N, F, H/2, W/2]: the next block's input.
  torch::Tensor features;  // [N, F, H, W]: before pooling, the decoder's skip connection.
  torch::Tensor indices;   // Max-pool indices for the decoder's unpooling.
};

struct EncoderBlockOptions {
  explicit EncoderBlockOptions(DenseBlockOptions dense) : dense_(dense) {}
  TORCH_ARG(DenseBlockOptions, dense);
  TORCH_ARG(double, dropout) = 0.2;
};

// Dense block -> spatial dropout -> 2x2 max-pool with indices.
class EncoderBlockImpl : public torch::nn::Module {
 public:
  explicit EncoderBlockImpl(const EncoderBlockOptions& options);
  void reset();
  EncoderBlockOutput forward(const torch::Tensor& x);

 private:
  EncoderBlockOptions options_;
  DenseBlock dense_{nullptr};
  // Dropout2d (whole feature maps) as in the reference.
  torch::nn::Dropout2d dropout_{nullptr};
};
TORCH_MODULE(EncoderBlock);

// Inverse of 2x2 stride-2 max-pooling: each value goes back to the position its index names in
// a height x width plane, zeros elsewhere; the same result as torch::max_unpool2d for such
// pooling. A scatter into non-overlapping windows, because max_unpool2d has no deterministic
// implementation: LibTorch refuses it under setDeterministicAlgorithms(true), which the trainer
// sets. height and width are the pre-pool size (2h or 2h + 1, 2w or 2w + 1).
torch::Tensor MaxUnpool2x2(const torch::Tensor& x, const torch::Tensor& indices, int64_t height,
                           int64_t width);

// Max-unpool with the encoder's indices -> cat(skip, unpooled) (2F channels) -> dense block ->
// spatial dropout.
class DecoderBlockImpl : public torch::nn::Module {
 public:
  // options.dense().in_channels() is the concatenation's width, 2F.
  explicit DecoderBlockImpl(const EncoderBlockOptions& options);
  void reset();
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& skip,
                        const torch::Tensor& indices);

 private:
  EncoderBlockOptions options_;
  DenseBlock dense_{nullptr};
  torch::nn::Dropout2d dropout_{nullptr};
};
TORCH_MODULE(DecoderBlock);

struct EncoderOutput {
  torch::Tensor bottleneck;             // [N, F, H/2^depth, W/2^depth].
  std::vector<torch::Tensor> features;  // Pre-pool features of block 0..depth-1.
  std::vector<torch::Tensor> indices;   // Their pooling indices.
};

struct EncoderOptions {
  EncoderOptions(int64_t in_channels, int64_t filters)
      : in_channels_(in_channels), filters_(filters) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, filters);
  TORCH_ARG(int64_t, kernel_size) = 5;
  TORCH_ARG(int64_t, depth) = 4;
  TORCH_ARG(double, dropout) = 0.2;
  TORCH_ARG(NormalizationLayer, normalization) = BATCH_NORM;
  TORCH_ARG(bool, normalization_affine) = true;
  TORCH_ARG(bool, csse) = false;
};

// `depth` encoder blocks, then the bottleneck dense block (no pooling, no dropout).
// Children: block0 .. block<depth-1>, bottleneck. With csse the bottleneck is followed by
// squeeze-excitation too, as by every block (docs/DESIGN.md section 1); the reference code
// allocates that layer but never applies it.
class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const EncoderOptions& options);
  void reset();
  EncoderOutput forward(const torch::Tensor& x);

  const EncoderOptions& options() const { return options_; }
  // Step-by-step access for soft sharing, which stitches between the blocks (holders share
  // the module).
  EncoderBlock block(int64_t i) const { return blocks_.at(i); }
  DenseBlock bottleneck() const { return bottleneck_; }

 private:
  EncoderOptions options_;
  std::vector<EncoderBlock> blocks_;
  DenseBlock bottleneck_{nullptr};
};
TORCH_MODULE(Encoder);

// `depth` decoder blocks, deepest first: block i unpools with the indices of encoder block
// depth-1-i and concatenates its features. Output: [N, F, H, W]. Children: block0 ...
class DecoderImpl : public torch::nn::Module {
 public:
  // options.in_channels() is unused: every decoder block reads 2F channels.
  explicit DecoderImpl(const EncoderOptions& options);
  void reset();
  torch::Tensor forward(const torch::Tensor& bottleneck, const std::vector<torch::Tensor>& features,
                        const std::vector<torch::Tensor>& indices);

 private:
  EncoderOptions options_;
  std::vector<DecoderBlock> blocks_;
};
TORCH_MODULE(Decoder);

struct ClassificationHeadOptions {
  ClassificationHeadOptions(int64_t in_channels, int64_t classes)
      : in_channels_(in_channels), classes_(classes) {}
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, classes);
  TORCH_ARG(ClassifierHead, type) = HEAD_GLOBAL_AVERAGE_POOL;
  // HEAD_FLATTEN only: the hidden width and the bottleneck's spatial size.
  TORCH_ARG(int64_t, hidden) = 25;
  TORCH_ARG(int64_t, in_height) = 8;
  TORCH_ARG(int64_t, in_width) = 8;
};

// Classifies bottleneck features [N, C, h, w] into logits [N, classes].
// HEAD_FLATTEN: flatten -> Linear(C*h*w, hidden) -> PReLU -> Linear(hidden, classes).
// HEAD_GLOBAL_AVERAGE_POOL: mean over h, w -> Linear(C, classes).
class ClassificationHeadImpl : public torch::nn::Module {
 public:
  explicit ClassificationHeadImpl(const ClassificationHeadOptions& options);
  void reset();
  torch::Tensor forward(const torch::Tensor& x);

 private:
  ClassificationHeadOptions options_;
  torch::nn::Linear hidden_{nullptr};
  torch::nn::PReLU prelu_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(ClassificationHead);

// --- From a ModelSpec -------------------------------------------------------------------------

EncoderOptions EncoderOptionsFromSpec(const ModelSpec& spec);
// The head on the bottleneck of a QuickNAT encoder built from `spec`.
ClassificationHeadOptions ClassificationHeadOptionsFromSpec(const ModelSpec& spec);

// What a QuickNAT-family factory checks; errors name the field ("model.filters: ...").
// `needs_divisible_size`: the input size must be divisible by 2^depth (a decoder's unpooling
// mirrors every pooling; a flatten head's width depends on it).
absl::Status ValidateEncoderSpec(const ModelSpec& spec, bool needs_divisible_size);
// The classifier head's fields (and the size check when the head is HEAD_FLATTEN); head_hidden
// other than its default beside HEAD_GLOBAL_AVERAGE_POOL, which has no hidden layer, is refused.
absl::Status ValidateClassificationHeadSpec(const ModelSpec& spec);
absl::Status ValidateSegmentationSpec(const ModelSpec& spec);

// Number of elements of all parameters (trainable or not) of `module` and its children.
int64_t CountParameters(const torch::nn::Module& module);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_BLOCKS_H_
