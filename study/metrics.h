#ifndef NERVE_MTL_STUDY_METRICS_H_
#define NERVE_MTL_STUDY_METRICS_H_

// Evaluation metrics on plain CPU data, so that this library compiles without LibTorch: the
// trainer copies masks and labels out of its tensors into ImagePrediction.
//
// Masks are row-major height x width bytes; any nonzero byte is foreground ("nerve", whatever
// its class).

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

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

// Metrics over a set of images. A metric that cannot be computed (the task is absent, or no
// image qualifies) is NaN.
struct EvaluationMetrics {
  static constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

  int images = 0;
  bool has_segmentation = false;
  bool has_classification = false;

  // Segmentation: means of the per-image values.
  double dice = kUndefined;
  double iou = kUndefined;
  double hd95 = kUndefined;  // Mean over images where HD95 is defined.
  int hd95_undefined = 0;    // Images where exactly one of prediction and truth was empty.
  // Mean Dice of the images of each true class (indexed by label; NaN for a class with none).
  std::vector<double> per_class_dice;

  // Classification.
  double accuracy = kUndefined;
  // Mean over classes of F1; a class with no true and no predicted image is left out.
  double macro_f1 = kUndefined;
  std::vector<std::vector<int>> confusion;  // [true][predicted].

  // Both tasks: mean Dice over correctly classified and over misclassified images.
  double dice_correct = kUndefined;
  double dice_wrong = kUndefined;
  int n_correct = 0;
  int n_wrong = 0;

  // In the order the images were added, for paired tests between models. per_image_dice is
  // empty without segmentation.
  std::vector<double> per_image_dice;
  std::vector<std::string> ids;
  std::vector<std::string> patients;  // Aligned with ids.
  std::vector<int> true_labels;       // Aligned with ids; -1 where unknown.
  std::vector<int> predicted_labels;  // Aligned with ids; -1 without classification.
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

  EvaluationMetrics Finish() const;

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

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_METRICS_H_
