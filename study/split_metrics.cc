#include "study/split_metrics.h"

#include <cassert>
#include <string>

namespace nerve_mtl::study {

SplitMetrics ToSplitMetrics(const EvaluationMetrics& m) {
  SplitMetrics out;
  out.set_images(m.images);
  out.set_has_segmentation(m.has_segmentation);
  out.set_has_classification(m.has_classification);
  if (m.has_segmentation) {
    out.set_dice(m.dice);
    out.set_iou(m.iou);
    out.set_hd95(m.hd95);
    out.set_hd95_undefined(m.hd95_undefined);
    for (double d : m.per_class_dice) out.add_per_class_dice(d);
    for (double d : m.per_image_dice) out.add_image_dice(d);
  }
  if (m.has_classification) {
    out.set_accuracy(m.accuracy);
    out.set_macro_f1(m.macro_f1);
    out.set_classes(static_cast<int>(m.confusion.size()));
    for (const auto& row : m.confusion) {
      for (int v : row) out.add_confusion(v);
    }
  }
  if (m.has_segmentation && m.has_classification) {
    out.set_dice_correct(m.dice_correct);
    out.set_dice_wrong(m.dice_wrong);
    out.set_n_correct(m.n_correct);
    out.set_n_wrong(m.n_wrong);
  }
  for (const std::string& id : m.ids) out.add_image_id(id);
  for (const std::string& patient : m.patients) out.add_image_patient(patient);
  for (int label : m.true_labels) out.add_image_true_label(label);
  for (int label : m.predicted_labels) out.add_image_predicted_label(label);
  return out;
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
  double correct_sum = 0, wrong_sum = 0;
  int correct = 0, wrong = 0;
  for (int i = 0; i < out.image_dice_size() && i < out.image_predicted_label_size(); ++i) {
    if (out.image_true_label(i) == out.image_predicted_label(i)) {
      correct_sum += out.image_dice(i);
      ++correct;
    } else {
      wrong_sum += out.image_dice(i);
      ++wrong;
    }
  }
  // As MetricsAccumulator: the mean of no images is NaN.
  out.set_dice_correct(correct > 0 ? correct_sum / correct : EvaluationMetrics::kUndefined);
  out.set_dice_wrong(wrong > 0 ? wrong_sum / wrong : EvaluationMetrics::kUndefined);
  out.set_n_correct(correct);
  out.set_n_wrong(wrong);
  return out;
}

}  // namespace nerve_mtl::study
