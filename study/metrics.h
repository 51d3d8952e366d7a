#ifndef NERVE_MTL_STUDY_METRICS_H_
#define NERVE_MTL_STUDY_METRICS_H_

// Evaluation metrics on plain CPU data, so that this library compiles without LibTorch: the
// trainer copies masks and labels out of its tensors into ImagePrediction. They come out as the
// result file's SplitMetrics (trial/result.proto), written once, here.
//
// Masks are row-major height x width bytes; any nonzero byte is foreground ("nerve", whatever
// its class).

#include <cstdint>
#include <string>
#include <vector>

#include "trial/result.pb.h"

namespace nerve_mtl::study {

// Dice of two binary masks of n pixels, Kaggle convention: both empty -> 1, exactly one empty
// -> 0.
double Dice(const uint8_t* a, const uint8_t* b, int n);

// Intersection over union, same convention as Dice.
double IoU(const uint8_t* a, const uint8_t* b, int n);

// 95th-percentile symmetric Hausdorff distance in pixels between the boundaries of two
// height x width masks, as MedPy's hd95: a boundary pixel is a foreground pixel with a
// 4-neighbour that is background or outside the image; the distances from every boundary pixel
// of a to the nearest boundary pixel of b, and from b to a, are pooled and their 95th
// percentile taken with linear interpolation (numpy's default). Both empty -> 0; exactly one
// empty -> NaN (undefined). Exact Euclidean distances from a separable distance transform, so
// the cost is O(height * width).
double HausdorffDistance95(const uint8_t* a, const uint8_t* b, int height, int width);

// One evaluated image. A model that does not segment leaves both masks empty; one that does not
// classify leaves predicted_label at -1. true_label may be set either way (per-class Dice uses
// it).
struct ImagePrediction {
  std::vector<uint8_t> predicted_mask;
  std::vector<uint8_t> true_mask;
  int height = 0;
  int width = 0;
  int true_label = -1;
  int predicted_label = -1;
  std::string id;
  std::string patient;  // For statistics that resample patients rather than images.
};

// Accumulates per-image results; keeps a few numbers per image, never the masks.
class MetricsAccumulator {
 public:
  // num_classes sizes the confusion matrix and per_class_dice; 0 takes it from the largest
  // label seen.
  explicit MetricsAccumulator(int num_classes = 0);

  // Every image must do the same tasks as the first: masks present (and both of
  // height * width pixels) or both empty; predicted_label set or -1, and when set, true_label
  // set too. Labels must be below num_classes when that was given. A violation is a
  // programming error and aborts with a message.
  void Add(const ImagePrediction& prediction);

  // The metrics over the images added. images, has_segmentation and has_classification are
  // always set; each image's id, patient, true label and predicted label (-1 where unknown or
  // without classification) always listed, in the order the images were added, for paired
  // tests between models. The metrics of a task (with image_dice for segmentation) are set only
  // when the images do it, and those that need both tasks (Dice on correctly and wrongly
  // classified images) only with both: a field left unset stays out of result.textproto. A mean
  // over no images (a class without images, no defined HD95) is NaN.
  SplitMetrics Finish() const;

 private:
  struct ImageResult {
    std::string id;
    std::string patient;
    int true_label;
    int predicted_label;
    double dice;
    double iou;
    double hd95;
  };

  int num_classes_;
  bool has_segmentation_ = false;
  bool has_classification_ = false;
  std::vector<ImageResult> results_;
};

// One multitask evaluation from two checkpoints of the same model on the same images (same
// order): the segmentation metrics of `segmentation`, the classification metrics of
// `classification`, and the metrics that need both (Dice on correctly and wrongly classified
// images) recomputed from the first's per-image Dice and the second's labels, as Finish computes
// them. This is how the per-task checkpoint rule (README, "Fair comparison") reports a
// multitask row.
SplitMetrics CombineTasks(const SplitMetrics& segmentation, const SplitMetrics& classification);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_METRICS_H_
