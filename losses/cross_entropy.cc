#include "losses/cross_entropy.h"

#include <ATen/Context.h>
#include <ATen/TensorOperators.h>
#include <ATen/core/Reduction.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/cross_entropy_loss.h>
#include <ATen/ops/log_softmax.h>
#include <ATen/ops/tensor.h>
#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace nerve_mtl::losses {
namespace {

std::string ClassWeightsMismatch(int64_t weights, int64_t classes) {
  return absl::StrCat("loss.cross_entropy.class_weights has ", weights,
                      " values but the model has ", classes, " classes");
}

}  // namespace

absl::Status ValidateCrossEntropyOptions(const CrossEntropyOptions& options,
                                         int64_t classification_classes) {
  const int64_t weights = options.class_weights_size();
  if (weights != 0 && weights != classification_classes) {
    return absl::InvalidArgumentError(ClassWeightsMismatch(weights, classification_classes));
  }
  for (int i = 0; i < weights; ++i) {
    const float w = options.class_weights(i);
    if (!(w >= 0.0f) || !std::isfinite(w)) {
      return absl::InvalidArgumentError(absl::StrCat("loss.cross_entropy.class_weights[", i,
                                                     "] must be finite and >= 0, got ", w));
    }
  }
  if (!(options.boundary_weight() >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "loss.cross_entropy.boundary_weight must be >= 0, got ", options.boundary_weight()));
  }
  return absl::OkStatus();
}

at::Tensor CrossEntropyByGather(const at::Tensor& logits, const at::Tensor& labels,
                                const at::Tensor& weight, int64_t reduction) {
  const at::Tensor target = labels.to(at::kLong).unsqueeze(1);
  at::Tensor loss = -at::log_softmax(logits, 1).gather(1, target).squeeze(1);
  at::Tensor w;
  if (weight.defined()) {
    w = weight.to(loss.scalar_type()).index_select(0, target.flatten()).view(loss.sizes());
    loss = loss * w;
  }
  if (reduction == at::Reduction::None) return loss;
  if (reduction == at::Reduction::Sum) return loss.sum();
  return w.defined() ? loss.sum() / w.sum() : loss.mean();
}

at::Tensor CrossEntropy(const at::Tensor& logits, const at::Tensor& labels,
                        const at::Tensor& weight, int64_t reduction) {
  if (logits.is_cuda() && at::globalContext().deterministicAlgorithms()) {
    return CrossEntropyByGather(logits, labels, weight, reduction);
  }
  return at::cross_entropy_loss(logits, labels.to(at::kLong), weight, reduction);
}

at::Tensor ClassificationCrossEntropy(const at::Tensor& logits, const at::Tensor& labels,
                                      const CrossEntropyOptions& options) {
  TORCH_CHECK(logits.dim() == 2, "ClassificationCrossEntropy: logits must be [N, K], got ",
              logits.sizes());
  if (options.class_weights_size() == 0) {
    return CrossEntropy(logits, labels);
  }
  TORCH_CHECK(options.class_weights_size() == logits.size(1),
              ClassWeightsMismatch(options.class_weights_size(), logits.size(1)));
  const std::vector<float> values(options.class_weights().begin(), options.class_weights().end());
  const at::Tensor weight = at::tensor(values, logits.options().requires_grad(false));
  return CrossEntropy(logits, labels, weight);
}

at::Tensor QuickNatPixelWeights(const at::Tensor& target, int64_t num_classes,
                                double boundary_weight) {
  TORCH_CHECK(target.dim() == 3, "QuickNatPixelWeights: target must be [N, H, W], got ",
              target.sizes());
  TORCH_CHECK(target.size(1) >= 2 && target.size(2) >= 2,
              "QuickNatPixelWeights: images must be at least 2x2 for the label gradient, got ",
              target.sizes());
  const c10::NoGradGuard no_grad;
  const at::Tensor labels = target.to(at::kLong);
  const int64_t images = labels.size(0);
  // Each image's pixel count per class, [N, C]: a comparison and a sum rather than bincount,
  // which deterministic mode refuses on a GPU. A handful of counts per image: the medians are
  // simplest on the host.
  const at::Tensor classes = at::arange(num_classes, labels.options()).view({1, num_classes, 1, 1});
  const at::Tensor counts =
      (labels.unsqueeze(1) == classes).sum({2, 3}).to(at::kDouble).cpu().contiguous();
  TORCH_CHECK(counts.sum().item<double>() == static_cast<double>(labels.numel()),
              "QuickNatPixelWeights: labels outside [0, ", num_classes, ")");
  const auto count = counts.accessor<double, 2>();
  std::vector<float> class_weights(images * num_classes, 0.0f);
  for (int64_t n = 0; n < images; ++n) {
    std::vector<double> present;
    for (int64_t c = 0; c < num_classes; ++c) {
      if (count[n][c] > 0) present.push_back(count[n][c]);
    }
    std::sort(present.begin(), present.end());
    const size_t k = present.size();
    const double median = k % 2 == 1 ? present[k / 2] : 0.5 * (present[k / 2 - 1] + present[k / 2]);
    for (int64_t c = 0; c < num_classes; ++c) {
      if (count[n][c] > 0) {
        class_weights[n * num_classes + c] = static_cast<float>(std::floor(median / count[n][c]));
      }
    }
  }
  const at::TensorOptions float_options = at::TensorOptions(target.device()).dtype(at::kFloat);
  const at::Tensor class_weight = at::tensor(class_weights, float_options)
                                      .view({images, num_classes})
                                      .gather(1, labels.view({images, -1}))
                                      .view(labels.sizes());

  // numpy.gradient along `dim` (1 rows, 2 columns) up to its factor 1/2 inside, which does not
  // change where it is zero.
  const at::Tensor l = labels.to(at::kFloat);
  auto gradient = [&l](int64_t dim) {
    return at::cat({l.slice(dim, 1, 2) - l.slice(dim, 0, 1), l.slice(dim, 2) - l.slice(dim, 0, -2),
                    l.slice(dim, -1) - l.slice(dim, -2, -1)},
                   dim);
  };
  const at::Tensor edge = ((gradient(1) != 0) | (gradient(2) != 0)).to(at::kFloat);
  return class_weight + boundary_weight * edge;
}

at::Tensor SegmentationCrossEntropy(const at::Tensor& logits, const at::Tensor& target,
                                    const CrossEntropyOptions& options) {
  TORCH_CHECK(logits.dim() == 4, "SegmentationCrossEntropy: logits must be [N, C, H, W], got ",
              logits.sizes());
  const at::Tensor labels = target.to(at::kLong);
  if (!options.quicknat_pixel_weights()) return CrossEntropy(logits, labels);
  const at::Tensor pixel_loss = CrossEntropy(logits, labels, /*weight=*/{}, at::Reduction::None);
  const at::Tensor weights = QuickNatPixelWeights(labels, logits.size(1), options.boundary_weight())
                                 .to(pixel_loss.scalar_type());
  return (weights * pixel_loss).mean();
}

}  // namespace nerve_mtl::losses
