#include "study/trainer_evaluation.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "data/loader.h"

namespace nerve_mtl::study {

using models::MultitaskModelImpl;

Evaluation Evaluate(MultitaskModelImpl& model, const data::Dataset& dataset,
                    const std::vector<int>& indices, const data::DataSpec& spec, int batch_size,
                    int keep_masks, const Compute& compute) {
  torch::NoGradGuard no_grad;
  model.eval();
  data::LoaderOptions options;
  options.batch_size = batch_size;
  data::BatchLoader loader(dataset, indices, spec, options);
  MetricsAccumulator accumulator(static_cast<int>(dataset.class_names.size()));
  Evaluation evaluation;
  const int h = spec.height(), w = spec.width();
  while (auto batch = loader.Next()) {
    models::ModelOutput out;
    {
      AutocastScope autocast(compute);
      out = model.forward(PlaceImages(batch->images, compute));
    }
    at::Tensor masks, labels;
    if (out.segmentation.defined()) {
      masks = out.segmentation.argmax(1).ne(0).to(at::kCPU, at::kByte).contiguous();
    }
    if (out.classification.defined()) {
      labels = out.classification.argmax(1).to(at::kCPU).contiguous();
    }
    for (int64_t i = 0; i < batch->images.size(0); ++i) {
      const data::Example& e = dataset.examples[batch->indices[i]];
      ImagePrediction p;
      p.id = e.id;
      p.patient = e.patient;
      p.height = h;
      p.width = w;
      p.true_label = e.label;
      if (masks.defined()) {
        const uint8_t* m = masks.data_ptr<uint8_t>() + i * h * w;
        p.predicted_mask.assign(m, m + h * w);
        p.true_mask = e.mask.pixels;
        if (static_cast<int>(evaluation.predicted_masks.size()) < keep_masks) {
          data::Mask mask(h, w);
          mask.pixels = p.predicted_mask;
          evaluation.predicted_masks.push_back(std::move(mask));
        }
      }
      if (labels.defined()) p.predicted_label = static_cast<int>(labels[i].item<int64_t>());
      accumulator.Add(p);
    }
  }
  evaluation.metrics = accumulator.Finish();
  return evaluation;
}

}  // namespace nerve_mtl::study
