#include "study/baselines.h"

#include "absl/strings/str_cat.h"
#include "study/metrics.h"

namespace nerve_mtl::study {
namespace {

// full_mask: -1 no segmentation, 0 empty, 1 all foreground. label: -1 no classification.
SplitMetrics Evaluate(const data::Dataset& dataset, const std::vector<int>& indices, int full_mask,
                      int label) {
  MetricsAccumulator accumulator(static_cast<int>(dataset.class_names.size()));
  for (int index : indices) {
    const data::Example& e = dataset.examples[index];
    ImagePrediction p;
    p.id = e.id;
    p.height = e.mask.height;
    p.width = e.mask.width;
    p.true_label = e.label;
    p.predicted_label = label;
    if (full_mask >= 0) {
      p.true_mask = e.mask.pixels;
      p.predicted_mask.assign(e.mask.pixels.size(), static_cast<uint8_t>(full_mask));
    }
    accumulator.Add(p);
  }
  return accumulator.Finish();
}

}  // namespace

std::vector<Baseline> TrivialBaselines(const Experiment& experiment, bool segments, bool classifies,
                                       const data::Dataset& dataset,
                                       const data::SplitIndices& split) {
  const std::vector<int> masks = segments ? std::vector<int>{0, 1} : std::vector<int>{-1};
  std::vector<int> labels = {-1};
  if (classifies) {
    labels.clear();
    for (int c = 0; c < static_cast<int>(dataset.class_names.size()); ++c) labels.push_back(c);
  }
  std::vector<Baseline> baselines;
  for (int mask : masks) {
    for (int label : labels) {
      Baseline b;
      std::vector<std::string> parts;
      if (mask >= 0) parts.push_back(mask ? "all-foreground masks" : "empty masks");
      if (label >= 0) parts.push_back(absl::StrCat("class '", dataset.class_names[label], "'"));
      b.description = absl::StrCat("predicts ", parts[0], parts.size() > 1 ? " and " : "",
                                   parts.size() > 1 ? parts[1] : "", " for every image");
      Result& result = b.results.emplace_back();
      result.set_status(Result::OK);
      *result.mutable_experiment() = experiment;
      result.mutable_components()->set_segments(segments);
      result.mutable_components()->set_classifies(classifies);
      *result.mutable_val() = Evaluate(dataset, split.val, mask, label);
      *result.mutable_test() = Evaluate(dataset, split.test, mask, label);
      baselines.push_back(std::move(b));
    }
  }
  return baselines;
}

void PoolBaselines(std::vector<Baseline> more, std::vector<Baseline>* into) {
  if (into->empty()) {
    *into = std::move(more);
    return;
  }
  for (size_t i = 0; i < into->size() && i < more.size(); ++i) {
    for (Result& r : more[i].results) (*into)[i].results.push_back(std::move(r));
  }
}

}  // namespace nerve_mtl::study
