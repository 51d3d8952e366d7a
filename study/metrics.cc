#include "study/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/repeated_field.h"

namespace nerve_mtl::study {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// This library has no logging dependency; a broken precondition is a bug in the caller, so
// stop loudly as CHECK would.
[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "MetricsAccumulator::Add: %s\n", message.c_str());
  std::abort();
}

struct Overlap {
  int64_t intersection = 0;
  int64_t a = 0;
  int64_t b = 0;
};

Overlap CountOverlap(const uint8_t* a, const uint8_t* b, int n) {
  Overlap overlap;
  for (int i = 0; i < n; ++i) {
    const bool in_a = a[i] != 0;
    const bool in_b = b[i] != 0;
    overlap.a += in_a;
    overlap.b += in_b;
    overlap.intersection += in_a && in_b;
  }
  return overlap;
}

bool IsEmpty(const uint8_t* mask, int n) {
  return std::all_of(mask, mask + n, [](uint8_t p) { return p == 0; });
}

// Foreground pixels with a background 4-neighbour; the image border counts as background, as
// scipy's binary_erosion (border_value=0) does in MedPy.
std::vector<uint8_t> Boundary(const uint8_t* mask, int height, int width) {
  std::vector<uint8_t> boundary(static_cast<size_t>(height) * width, 0);
  auto foreground = [&](int y, int x) {
    return y >= 0 && y < height && x >= 0 && x < width &&
           mask[static_cast<size_t>(y) * width + x] != 0;
  };
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (!foreground(y, x)) continue;
      boundary[static_cast<size_t>(y) * width + x] = !foreground(y - 1, x) ||
                                                     !foreground(y + 1, x) ||
                                                     !foreground(y, x - 1) || !foreground(y, x + 1);
    }
  }
  return boundary;
}

// 1-D squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): the lower
// envelope of the parabolas (q - p)^2 + f[p]. Infinite f[p] (no site) is left out of the
// envelope rather than represented by a large number, so the result stays exact.
class DistanceTransform1D {
 public:
  explicit DistanceTransform1D(int max_length)
      : v_(max_length), z_(max_length + 1), out_(max_length) {}

  // Transforms f[0..n) in place.
  void Run(double* f, int n) {
    int k = -1;
    for (int q = 0; q < n; ++q) {
      if (f[q] == kInfinity) continue;
      if (k < 0) {
        k = 0;
        v_[0] = q;
        z_[0] = -kInfinity;
        z_[1] = kInfinity;
        continue;
      }
      double s = Intersection(f, q, v_[k]);
      // z_[0] is -infinity, so k never drops below 0.
      while (s <= z_[k]) {
        --k;
        s = Intersection(f, q, v_[k]);
      }
      ++k;
      v_[k] = q;
      z_[k] = s;
      z_[k + 1] = kInfinity;
    }
    if (k < 0) return;  // No site: everything stays infinite.
    k = 0;
    for (int q = 0; q < n; ++q) {
      while (z_[k + 1] < q) ++k;
      const double d = q - v_[k];
      out_[q] = d * d + f[v_[k]];
    }
    std::copy(out_.begin(), out_.begin() + n, f);
  }

 private:
  static double Intersection(const double* f, int q, int p) {
    return ((f[q] + static_cast<double>(q) * q) - (f[p] + static_cast<double>(p) * p)) /
           (2.0 * (q - p));
  }

  std::vector<int> v_;
  std::vector<double> z_;
  std::vector<double> out_;
};

// Squared distance from every pixel to the nearest nonzero pixel of sites (infinite if none):
// columns first, then rows, which is exact because squared Euclidean distance separates.
std::vector<double> SquaredDistanceTransform(const std::vector<uint8_t>& sites, int height,
                                             int width) {
  std::vector<double> distance(sites.size());
  for (size_t i = 0; i < sites.size(); ++i) distance[i] = sites[i] ? 0.0 : kInfinity;
  DistanceTransform1D transform(std::max(height, width));
  std::vector<double> column(height);
  for (int x = 0; x < width; ++x) {
    for (int y = 0; y < height; ++y) column[y] = distance[static_cast<size_t>(y) * width + x];
    transform.Run(column.data(), height);
    for (int y = 0; y < height; ++y) distance[static_cast<size_t>(y) * width + x] = column[y];
  }
  for (int y = 0; y < height; ++y) {
    transform.Run(distance.data() + static_cast<size_t>(y) * width, width);
  }
  return distance;
}

// numpy.percentile's default ("linear") method.
double Percentile(std::vector<double> values, double percent) {
  std::sort(values.begin(), values.end());
  const double position = percent / 100.0 * (values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(position));
  const size_t upper = std::min(lower + 1, values.size() - 1);
  return values[lower] + (position - lower) * (values[upper] - values[lower]);
}

double Mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / values.size();
}

// Mean over classes of F1 of a row-major [true][predicted] confusion matrix; a class with no
// true and no predicted image is left out.
double MacroF1(const google::protobuf::RepeatedField<int32_t>& confusion, int num_classes) {
  std::vector<double> f1;
  for (int c = 0; c < num_classes; ++c) {
    const int true_positives = confusion[c * num_classes + c];
    int true_count = 0;
    int predicted_count = 0;
    for (int other = 0; other < num_classes; ++other) {
      true_count += confusion[c * num_classes + other];
      predicted_count += confusion[other * num_classes + c];
    }
    // F1 = 2TP / (2TP + FP + FN) = 2TP / (true + predicted).
    if (true_count + predicted_count == 0) continue;
    f1.push_back(2.0 * true_positives / (true_count + predicted_count));
  }
  return Mean(f1);
}

// Mean Dice over the correctly and over the wrongly classified images, from the per-image
// Dice and labels: one computation for Finish and CombineTasks, so that a combined row equals
// an evaluation of one model predicting both.
void SetDiceByCorrectness(SplitMetrics* metrics) {
  std::vector<double> dice_correct;
  std::vector<double> dice_wrong;
  for (int i = 0; i < metrics->image_dice_size() && i < metrics->image_predicted_label_size();
       ++i) {
    const bool correct = metrics->image_true_label(i) == metrics->image_predicted_label(i);
    (correct ? dice_correct : dice_wrong).push_back(metrics->image_dice(i));
  }
  metrics->set_dice_correct(Mean(dice_correct));
  metrics->set_dice_wrong(Mean(dice_wrong));
  metrics->set_n_correct(static_cast<int>(dice_correct.size()));
  metrics->set_n_wrong(static_cast<int>(dice_wrong.size()));
}

}  // namespace

double Dice(const uint8_t* a, const uint8_t* b, int n) {
  const Overlap overlap = CountOverlap(a, b, n);
  if (overlap.a + overlap.b == 0) return 1.0;
  return 2.0 * overlap.intersection / (overlap.a + overlap.b);
}

double IoU(const uint8_t* a, const uint8_t* b, int n) {
  const Overlap overlap = CountOverlap(a, b, n);
  const int64_t union_size = overlap.a + overlap.b - overlap.intersection;
  if (union_size == 0) return 1.0;
  return static_cast<double>(overlap.intersection) / union_size;
}

double HausdorffDistance95(const uint8_t* a, const uint8_t* b, int height, int width) {
  const int n = height * width;
  const bool a_empty = IsEmpty(a, n);
  const bool b_empty = IsEmpty(b, n);
  if (a_empty && b_empty) return 0.0;
  if (a_empty || b_empty) return kNaN;

  const std::vector<uint8_t> boundary_a = Boundary(a, height, width);
  const std::vector<uint8_t> boundary_b = Boundary(b, height, width);
  const std::vector<double> to_a = SquaredDistanceTransform(boundary_a, height, width);
  const std::vector<double> to_b = SquaredDistanceTransform(boundary_b, height, width);
  std::vector<double> distances;
  for (int i = 0; i < n; ++i) {
    if (boundary_a[i]) distances.push_back(std::sqrt(to_b[i]));
    if (boundary_b[i]) distances.push_back(std::sqrt(to_a[i]));
  }
  return Percentile(std::move(distances), 95.0);
}

MetricsAccumulator::MetricsAccumulator(int num_classes) : num_classes_(num_classes) {}

void MetricsAccumulator::Add(const ImagePrediction& prediction) {
  const std::string where = "image '" + prediction.id + "': ";
  const bool segments = !prediction.predicted_mask.empty() || !prediction.true_mask.empty();
  const bool classifies = prediction.predicted_label >= 0;
  if (results_.empty()) {
    has_segmentation_ = segments;
    has_classification_ = classifies;
  } else if (segments != has_segmentation_ || classifies != has_classification_) {
    Fail(where + "does not do the same tasks as the images before it");
  }
  const size_t pixels = static_cast<size_t>(prediction.height) * prediction.width;
  if (segments &&
      (prediction.height <= 0 || prediction.width <= 0 ||
       prediction.predicted_mask.size() != pixels || prediction.true_mask.size() != pixels)) {
    Fail(where + "masks of " + std::to_string(prediction.predicted_mask.size()) + " and " +
         std::to_string(prediction.true_mask.size()) + " pixels for a " +
         std::to_string(prediction.height) + "x" + std::to_string(prediction.width) + " image");
  }
  if (classifies && prediction.true_label < 0) Fail(where + "predicted label without a true one");
  for (int label : {prediction.true_label, prediction.predicted_label}) {
    if (label < -1 || (num_classes_ > 0 && label >= num_classes_)) {
      Fail(where + "label " + std::to_string(label) + " outside [-1, " +
           std::to_string(num_classes_) + ")");
    }
  }

  ImageResult result{prediction.id,   prediction.patient, prediction.true_label,
                     prediction.predicted_label, kNaN, kNaN, kNaN};
  if (segments) {
    const uint8_t* predicted = prediction.predicted_mask.data();
    const uint8_t* truth = prediction.true_mask.data();
    const int n = static_cast<int>(pixels);
    result.dice = Dice(predicted, truth, n);
    result.iou = IoU(predicted, truth, n);
    result.hd95 = HausdorffDistance95(predicted, truth, prediction.height, prediction.width);
  }
  results_.push_back(std::move(result));
}

SplitMetrics MetricsAccumulator::Finish() const {
  SplitMetrics metrics;
  metrics.set_images(static_cast<int>(results_.size()));
  metrics.set_has_segmentation(has_segmentation_);
  metrics.set_has_classification(has_classification_);

  int num_classes = num_classes_;
  if (num_classes == 0) {
    for (const ImageResult& r : results_) {
      num_classes = std::max({num_classes, r.true_label + 1, r.predicted_label + 1});
    }
  }

  for (const ImageResult& r : results_) {
    metrics.add_image_id(r.id);
    metrics.add_image_patient(r.patient);
    metrics.add_image_true_label(r.true_label);
    metrics.add_image_predicted_label(r.predicted_label);
  }

  if (has_segmentation_) {
    std::vector<double> dice;
    std::vector<double> iou;
    std::vector<double> hd95;
    int hd95_undefined = 0;
    std::vector<std::vector<double>> dice_by_class(num_classes);
    for (const ImageResult& r : results_) {
      dice.push_back(r.dice);
      iou.push_back(r.iou);
      if (std::isnan(r.hd95)) {
        ++hd95_undefined;
      } else {
        hd95.push_back(r.hd95);
      }
      if (r.true_label >= 0) dice_by_class[r.true_label].push_back(r.dice);
    }
    metrics.set_dice(Mean(dice));
    metrics.set_iou(Mean(iou));
    metrics.set_hd95(Mean(hd95));
    metrics.set_hd95_undefined(hd95_undefined);
    for (const std::vector<double>& class_dice : dice_by_class) {
      metrics.add_per_class_dice(Mean(class_dice));
    }
    for (double d : dice) metrics.add_image_dice(d);
  }

  if (has_classification_ && !results_.empty()) {
    // Row-major [true][predicted], as the proto keeps it.
    google::protobuf::RepeatedField<int32_t>& confusion = *metrics.mutable_confusion();
    confusion.Resize(num_classes * num_classes, 0);
    int correct = 0;
    for (const ImageResult& r : results_) {
      ++confusion[r.true_label * num_classes + r.predicted_label];
      correct += r.true_label == r.predicted_label;
    }
    metrics.set_accuracy(static_cast<double>(correct) / results_.size());
    metrics.set_macro_f1(MacroF1(confusion, num_classes));
    metrics.set_classes(num_classes);
  }

  if (has_segmentation_ && has_classification_) SetDiceByCorrectness(&metrics);
  return metrics;
}

SplitMetrics CombineTasks(const SplitMetrics& segmentation, const SplitMetrics& classification) {
  SplitMetrics out = segmentation;
  out.set_accuracy(classification.accuracy());
  out.set_macro_f1(classification.macro_f1());
  out.set_classes(classification.classes());
  *out.mutable_confusion() = classification.confusion();
  *out.mutable_image_predicted_label() = classification.image_predicted_label();
  // Both come from one data set in one loader order; anything else is a programming error.
  assert(segmentation.image_id_size() == classification.image_id_size());
  SetDiceByCorrectness(&out);
  return out;
}

}  // namespace nerve_mtl::study
