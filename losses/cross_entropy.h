#ifndef NERVE_MTL_LOSSES_CROSS_ENTROPY_H_
#define NERVE_MTL_LOSSES_CROSS_ENTROPY_H_

#include <ATen/core/Reduction.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

#include "absl/status/status.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {

// Checks class_weights (empty, or one finite value >= 0 per class of a classifier with
// `classification_classes` classes) and boundary_weight >= 0, naming the field, e.g.
// "loss.cross_entropy.class_weights has 2 values but the model has 3 classes".
absl::Status ValidateCrossEntropyOptions(const CrossEntropyOptions& options,
                                         int64_t classification_classes);

// at::cross_entropy_loss (targets are class indices; weight optional), except on a CUDA tensor
// under deterministic algorithms, where LibTorch refuses nll_loss (its reduction uses atomics):
// there it is CrossEntropyByGather, the same value with deterministic kernels. The CPU path is
// LibTorch's own, so CPU results stay bit-identical to earlier runs.
at::Tensor CrossEntropy(const at::Tensor& logits, const at::Tensor& labels,
                        const at::Tensor& weight = {}, int64_t reduction = at::Reduction::Mean);

// -log_softmax(logits)[label], weighted by weight[label] and reduced as at::cross_entropy_loss
// does (mean with weights: sum(w l) / sum(w)); logits [N, C] or [N, C, H, W].
at::Tensor CrossEntropyByGather(const at::Tensor& logits, const at::Tensor& labels,
                                const at::Tensor& weight, int64_t reduction);

// Classification cross-entropy on logits [N, K] and labels [N], averaged as PyTorch's
// F.cross_entropy does: with class_weights, sum(w[y] l) / sum(w[y]). Throws c10::Error when
// class_weights has a size other than K (ValidateCrossEntropyOptions reports it as a status).
at::Tensor ClassificationCrossEntropy(const at::Tensor& logits, const at::Tensor& labels,
                                      const CrossEntropyOptions& options);

// Pixel-wise cross-entropy on logits [N, C, H, W] and targets [N, H, W]. With
// quicknat_pixel_weights it is QuickNAT's (Roy et al. 2018) weighted cross-entropy, the mean
// over all pixels of w(x) * CE(x) with w = QuickNatPixelWeights(...); otherwise the plain mean.
// class_weights belong to the classification loss and are not used here.
at::Tensor SegmentationCrossEntropy(const at::Tensor& logits, const at::Tensor& target,
                                    const CrossEntropyOptions& options);

// QuickNAT's pixel weights (Roy et al. 2018, eq. 1) as its code computes them
// (estimate_weights_mfb in the quickNAT_pytorch repository), per image, [N, H, W], no gradient:
//   w(x) = floor(median_c n_c / n_class(x)) + boundary_weight * [grad_rows(x) != 0 or
//          grad_cols(x) != 0],
// n_c the image's pixel count of class c; the median runs over the classes present in the
// image (numpy's median: the mean of the middle two for an even count, so with two classes the
// larger one gets weight 0 away from edges). The gradients are numpy.gradient's: central
// differences l(i+1) - l(i-1) inside, one-sided ones on the first and last row and column, so
// a pixel is an edge pixel when its two neighbours along a row or a column differ (a
// one-pixel-wide line is not an edge where both its sides hold the same class). Needs H, W >= 2
// (numpy.gradient's minimum); throws c10::Error on labels outside [0, num_classes).
at::Tensor QuickNatPixelWeights(const at::Tensor& target, int64_t num_classes,
                                double boundary_weight);

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_CROSS_ENTROPY_H_
