#include "study/evaluation.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "data/loader.h"
#include "study/metrics.h"

namespace nerve_mtl::study {

Evaluation Evaluate(models::MultitaskModelImpl& model, const data::Dataset& dataset,
                    const std::vector<int>& indices, const data::DataSpec& spec,
                    const EvaluationOptions& options, const Compute& compute) {
  torch::NoGradGuard no_grad;
  model.eval();
  data::LoaderOptions loader_options;
  loader_options.batch_size = options.batch_size;
  data::BatchLoader loader(dataset, indices, spec, loader_options);
  MetricsAccumulator accumulator(static_cast<int>(dataset.class_names.size()));
  Evaluation evaluation;
  const int h = spec.height(), w = spec.width();
  while (auto batch = loader.Next()) {
    models::ModelOutput out;
    {
      AutocastScope autocast(compute);
      out = model.forward(PlaceImages(batch->images, compute));
    }
    at::Tensor masks, labels, probabilities;
    if (out.segmentation.defined()) {
      masks = out.segmentation.argmax(1).ne(0).to(at::kCPU, at::kByte).contiguous();
    }
    if (out.classification.defined()) {
      labels = out.classification.argmax(1).to(at::kCPU).contiguous();
      // Only for a batch with an image to keep: the trainer keeps a few, or none.
      if (static_cast<int>(evaluation.images.size()) < options.keep_images) {
        probabilities =
            out.classification.to(at::kFloat).softmax(1).to(at::kCPU, at::kDouble).contiguous();
      }
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
      }
      if (labels.defined()) p.predicted_label = static_cast<int>(labels[i].item<int64_t>());
      if (static_cast<int>(evaluation.images.size()) < options.keep_images) {
        ImageOutput& image = evaluation.images.emplace_back();
        image.id = e.id;
        if (masks.defined()) {
          image.mask = data::Mask(h, w);
          image.mask.pixels = p.predicted_mask;
        }
        image.label = p.predicted_label;
        if (probabilities.defined()) {
          const double* q = probabilities.data_ptr<double>() + i * probabilities.size(1);
          image.probabilities.assign(q, q + probabilities.size(1));
        }
      }
      if (options.score) accumulator.Add(p);
    }
  }
  if (options.score) evaluation.metrics = accumulator.Finish();
  return evaluation;
}

}  // namespace nerve_mtl::study
