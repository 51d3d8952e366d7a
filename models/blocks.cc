#include "models/blocks.h"

#include <torch/nn/functional/instancenorm.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/instancenorm.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "models/conv.h"
#include "models/prelu.h"

namespace nerve_mtl::models {
namespace {

torch::nn::AnyModule MakeNorm(NormalizationLayer normalization, bool affine, int64_t channels) {
  if (normalization == INSTANCE_NORM) {
    // No running statistics (PyTorch's default): each image is normalized by its own, in
    // training and in evaluation alike.
    return torch::nn::AnyModule(
        torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(channels).affine(affine)));
  }
  return torch::nn::AnyModule(
      torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).affine(affine)));
}

torch::nn::Conv2d SameConv(int64_t in, int64_t out, int64_t kernel_size) {
  return MakeConv2d(torch::nn::Conv2dOptions(in, out, kernel_size).padding(kernel_size / 2));
}

absl::Status AtLeast(const char* field, int64_t value, int64_t minimum) {
  if (value >= minimum) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("model.", field, ": must be >= ", minimum, ", got ", value));
}

}  // namespace

// --- ChannelSpatialSE ---

ChannelSpatialSEImpl::ChannelSpatialSEImpl(int64_t channels) : channels_(channels) { reset(); }

void ChannelSpatialSEImpl::reset() {
  // C/2 as in the reference, but at least one unit so that F = 1 still builds.
  const int64_t reduced = std::max<int64_t>(1, channels_ / 2);
  fc1_ = register_module("fc1", torch::nn::Linear(channels_, reduced));
  fc2_ = register_module("fc2", torch::nn::Linear(reduced, channels_));
  spatial_ =
      register_module("spatial", MakeConv2d(torch::nn::Conv2dOptions(channels_, 1, 1)));
}

torch::Tensor ChannelSpatialSEImpl::forward(const torch::Tensor& x) {
  const torch::Tensor squeezed = x.mean({2, 3});
  const torch::Tensor channel_scale = fc2_(torch::relu(fc1_(squeezed))).sigmoid();
  const torch::Tensor channel = x * channel_scale.unsqueeze(-1).unsqueeze(-1);
  const torch::Tensor spatial = x * spatial_(x).sigmoid();
  return torch::max(channel, spatial);
}

// --- DenseBlock ---

DenseBlockImpl::DenseBlockImpl(const DenseBlockOptions& options) : options_(options) { reset(); }

void DenseBlockImpl::reset() {
  const int64_t in = options_.in_channels();
  const int64_t f = options_.filters();
  const int64_t k = options_.kernel_size();
  const bool affine = options_.normalization_affine();
  norm1_ = MakeNorm(options_.normalization(), affine, in);
  norm2_ = MakeNorm(options_.normalization(), affine, in + f);
  norm3_ = MakeNorm(options_.normalization(), affine, in + 2 * f);
  register_module("norm1", norm1_.ptr());
  register_module("norm2", norm2_.ptr());
  register_module("norm3", norm3_.ptr());
  prelu_ = register_module("prelu", torch::nn::PReLU());
  conv1_ = register_module("conv1", SameConv(in, f, k));
  conv2_ = register_module("conv2", SameConv(in + f, f, k));
  conv3_ = register_module("conv3", SameConv(in + 2 * f, f, 1));
  if (options_.csse()) csse_ = register_module("csse", ChannelSpatialSE(f));
}

torch::Tensor DenseBlockImpl::forward(const torch::Tensor& x) {
  const torch::Tensor& a = prelu_->weight;
  const torch::Tensor o1 = conv1_(SharedSlopePrelu(norm1_.forward(x), a));
  const torch::Tensor c1 = torch::cat({x, o1}, 1);
  const torch::Tensor o2 = conv2_(SharedSlopePrelu(norm2_.forward(c1), a));
  const torch::Tensor c2 = torch::cat({x, o1, o2}, 1);
  torch::Tensor out = conv3_(SharedSlopePrelu(norm3_.forward(c2), a));
  if (csse_) out = csse_(out);
  return out;
}

// --- EncoderBlock ---

EncoderBlockImpl::EncoderBlockImpl(const EncoderBlockOptions& options) : options_(options) {
  reset();
}

void EncoderBlockImpl::reset() {
  dense_ = register_module("dense", DenseBlock(options_.dense()));
  dropout_ = register_module("dropout", torch::nn::Dropout2d(options_.dropout()));
}

EncoderBlockOutput EncoderBlockImpl::forward(const torch::Tensor& x) {
  EncoderBlockOutput out;
  out.features = dropout_(dense_(x));
  std::tie(out.pooled, out.indices) =
      torch::max_pool2d_with_indices(out.features, /*kernel_size=*/{2, 2}, /*stride=*/{2, 2});
  return out;
}

// --- DecoderBlock ---

DecoderBlockImpl::DecoderBlockImpl(const EncoderBlockOptions& options) : options_(options) {
  reset();
}

void DecoderBlockImpl::reset() {
  dense_ = register_module("dense", DenseBlock(options_.dense()));
  dropout_ = register_module("dropout", torch::nn::Dropout2d(options_.dropout()));
}

torch::Tensor DecoderBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& skip,
                                        const torch::Tensor& indices) {
  // The skip's size, not 2x, so that an odd size pooled with flooring unpools back exactly.
  const torch::Tensor unpooled = MaxUnpool2x2(x, indices, skip.size(2), skip.size(3));
  return dropout_(dense_(torch::cat({skip, unpooled}, 1)));
}

torch::Tensor MaxUnpool2x2(const torch::Tensor& x, const torch::Tensor& indices, int64_t height,
                           int64_t width) {
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  TORCH_CHECK(indices.sizes() == x.sizes(), "MaxUnpool2x2: indices ", indices.sizes(),
              " do not match the values ", x.sizes());
  TORCH_CHECK(height / 2 == h && width / 2 == w, "MaxUnpool2x2: ", h, "x", w,
              " is not a 2x2 pooling of ", height, "x", width);
  // Each value written to the position its index names in the flattened height x width plane
  // (a floored odd row or column never held a maximum, so it stays zero). The windows do not
  // overlap, so every position is written at most once: scatter is deterministic here, and so
  // is its backward, a gather. It allows setDeterministicAlgorithms(true), unlike max_unpool2d,
  // and is ~20x faster (forward + backward) than the expand-and-mask formulation it replaced.
  return torch::zeros({n, c, height * width}, x.options())
      .scatter(2, indices.reshape({n, c, h * w}), x.reshape({n, c, h * w}))
      .view({n, c, height, width});
}

// --- Encoder ---

EncoderImpl::EncoderImpl(const EncoderOptions& options) : options_(options) { reset(); }

void EncoderImpl::reset() {
  const EncoderOptions& o = options_;
  auto dense = [&o](int64_t in_channels) {
    return DenseBlockOptions(in_channels, o.filters())
        .kernel_size(o.kernel_size())
        .normalization(o.normalization())
        .normalization_affine(o.normalization_affine())
        .csse(o.csse());
  };
  blocks_.clear();
  for (int64_t i = 0; i < o.depth(); ++i) {
    const int64_t in_channels = i == 0 ? o.in_channels() : o.filters();
    blocks_.push_back(register_module(
        absl::StrCat("block", i),
        EncoderBlock(EncoderBlockOptions(dense(in_channels)).dropout(o.dropout()))));
  }
  const int64_t bottleneck_in = o.depth() == 0 ? o.in_channels() : o.filters();
  bottleneck_ = register_module("bottleneck", DenseBlock(dense(bottleneck_in)));
}

EncoderOutput EncoderImpl::forward(const torch::Tensor& x) {
  EncoderOutput out;
  torch::Tensor h = x;
  for (EncoderBlock& block : blocks_) {
    EncoderBlockOutput b = block(h);
    h = b.pooled;
    out.features.push_back(b.features);
    out.indices.push_back(b.indices);
  }
  out.bottleneck = bottleneck_(h);
  return out;
}

// --- Decoder ---

DecoderImpl::DecoderImpl(const EncoderOptions& options) : options_(options) { reset(); }

void DecoderImpl::reset() {
  const EncoderOptions& o = options_;
  blocks_.clear();
  for (int64_t i = 0; i < o.depth(); ++i) {
    const DenseBlockOptions dense = DenseBlockOptions(2 * o.filters(), o.filters())
                                        .kernel_size(o.kernel_size())
                                        .normalization(o.normalization())
                                        .normalization_affine(o.normalization_affine())
                                        .csse(o.csse());
    blocks_.push_back(register_module(
        absl::StrCat("block", i), DecoderBlock(EncoderBlockOptions(dense).dropout(o.dropout()))));
  }
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& bottleneck,
                                   const std::vector<torch::Tensor>& features,
                                   const std::vector<torch::Tensor>& indices) {
  TORCH_CHECK(features.size() == blocks_.size() && indices.size() == blocks_.size(),
              "Decoder: expected ", blocks_.size(), " skip connections, got ", features.size());
  torch::Tensor h = bottleneck;
  const size_t depth = blocks_.size();
  for (size_t i = 0; i < depth; ++i) {
    h = blocks_[i](h, features[depth - 1 - i], indices[depth - 1 - i]);
  }
  return h;
}

// --- ClassificationHead ---

ClassificationHeadImpl::ClassificationHeadImpl(const ClassificationHeadOptions& options)
    : options_(options) {
  reset();
}

void ClassificationHeadImpl::reset() {
  const ClassificationHeadOptions& o = options_;
  if (o.type() == HEAD_FLATTEN) {
    hidden_ = register_module(
        "hidden", torch::nn::Linear(o.in_channels() * o.in_height() * o.in_width(), o.hidden()));
    prelu_ = register_module("prelu", torch::nn::PReLU());
    output_ = register_module("output", torch::nn::Linear(o.hidden(), o.classes()));
  } else {
    output_ = register_module("output", torch::nn::Linear(o.in_channels(), o.classes()));
  }
}

torch::Tensor ClassificationHeadImpl::forward(const torch::Tensor& x) {
  if (hidden_) return output_(SharedSlopePrelu(hidden_(x.flatten(1)), prelu_->weight));
  return output_(x.mean({2, 3}));
}

// --- From a ModelSpec ---

EncoderOptions EncoderOptionsFromSpec(const ModelSpec& spec) {
  return EncoderOptions(spec.input_channels(), spec.filters())
      .kernel_size(spec.kernel_size())
      .depth(spec.depth())
      .dropout(spec.dropout())
      .normalization(spec.normalization())
      .normalization_affine(spec.normalization_affine())
      .csse(spec.csse());
}

ClassificationHeadOptions ClassificationHeadOptionsFromSpec(const ModelSpec& spec) {
  const int64_t scale = int64_t{1} << spec.depth();
  return ClassificationHeadOptions(spec.filters(), spec.classification_classes())
      .type(spec.head())
      .hidden(spec.head_hidden())
      .in_height(spec.input_height() / scale)
      .in_width(spec.input_width() / scale);
}

absl::Status ValidateEncoderSpec(const ModelSpec& spec, bool needs_divisible_size) {
  if (absl::Status s = AtLeast("input_channels", spec.input_channels(), 1); !s.ok()) return s;
  if (absl::Status s = AtLeast("filters", spec.filters(), 1); !s.ok()) return s;
  if (absl::Status s = AtLeast("kernel_size", spec.kernel_size(), 1); !s.ok()) return s;
  if (spec.kernel_size() % 2 == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.kernel_size: must be odd for \"same\" padding, got ", spec.kernel_size()));
  }
  if (absl::Status s = AtLeast("depth", spec.depth(), 1); !s.ok()) return s;
  // 2^depth must stay a sensible image size.
  if (spec.depth() > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.depth: must be <= 16, got ", spec.depth()));
  }
  if (!(spec.dropout() >= 0.0 && spec.dropout() < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.dropout: must be in [0, 1), got ", spec.dropout()));
  }
  if (spec.normalization() != BATCH_NORM && spec.normalization() != INSTANCE_NORM) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.normalization: must be BATCH_NORM or INSTANCE_NORM, got ",
                     NormalizationLayer_Name(spec.normalization())));
  }
  const int64_t scale = int64_t{1} << spec.depth();
  const std::pair<const char*, int64_t> sizes[] = {{"input_height", spec.input_height()},
                                                   {"input_width", spec.input_width()}};
  for (const auto& [field, size] : sizes) {
    if (needs_divisible_size && size % scale != 0) {
      return absl::InvalidArgumentError(absl::StrCat("model.", field, ": ", size,
                                                     " is not divisible by 2^depth = ", scale,
                                                     " (model.depth = ", spec.depth(), ")"));
    }
    if (size < scale) {
      return absl::InvalidArgumentError(absl::StrCat("model.", field, ": ", size,
                                                     " is smaller than 2^depth = ", scale,
                                                     " (model.depth = ", spec.depth(), ")"));
    }
  }
  // Instance statistics of a single pixel are undefined (LibTorch refuses them in training).
  if (spec.normalization() == INSTANCE_NORM &&
      (spec.input_height() / scale) * (spec.input_width() / scale) < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.normalization: INSTANCE_NORM needs a bottleneck of more than one pixel; ",
        spec.input_height(), "x", spec.input_width(), " at model.depth = ", spec.depth(),
        " leaves 1x1"));
  }
  return absl::OkStatus();
}

absl::Status ValidateClassificationHeadSpec(const ModelSpec& spec) {
  if (absl::Status s = AtLeast("classification_classes", spec.classification_classes(), 1);
      !s.ok()) {
    return s;
  }
  if (spec.head() == HEAD_FLATTEN) {
    if (absl::Status s = AtLeast("head_hidden", spec.head_hidden(), 1); !s.ok()) return s;
    // The flattened width is fixed by the spec's input size.
    return ValidateEncoderSpec(spec, /*needs_divisible_size=*/true);
  }
  if (spec.head() != HEAD_GLOBAL_AVERAGE_POOL) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.head: must be HEAD_FLATTEN or HEAD_GLOBAL_AVERAGE_POOL, got ",
                     ClassifierHead_Name(spec.head())));
  }
  if (spec.head_hidden() != ModelSpec::default_instance().head_hidden()) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.head_hidden: ", spec.head_hidden(),
                     " sizes HEAD_FLATTEN's hidden layer; HEAD_GLOBAL_AVERAGE_POOL has none"));
  }
  return absl::OkStatus();
}

absl::Status ValidateSegmentationSpec(const ModelSpec& spec) {
  return AtLeast("segmentation_classes", spec.segmentation_classes(), 1);
}

int64_t CountParameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const torch::Tensor& p : module.parameters(/*recurse=*/true)) count += p.numel();
  return count;
}

}  // namespace nerve_mtl::models
