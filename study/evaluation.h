#ifndef NERVE_MTL_STUDY_EVALUATION_H_
#define NERVE_MTL_STUDY_EVALUATION_H_

// A model's pass over a split: the one loop that both the trainer (validation every epoch, val
// and test at the end) and //study:predict run, so that a trial's predictions reproduce its
// result file's metrics (docs/DESIGN.md §2).

#include <string>
#include <vector>

#include "common/compute.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "models/model.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// What a model predicts for one image.
struct ImageOutput {
  std::string id;
  data::Mask mask;                    // Empty when the model does not segment.
  int label = -1;                     // -1 when it does not classify.
  std::vector<double> probabilities;  // Softmax over the classes; empty without classification.
};

struct EvaluationOptions {
  int batch_size = 1;
  // False for images without truth (a folder to predict): nothing to score them against.
  bool score = true;
  // How many of the first images' outputs to keep: TensorBoard's overlays, or all to predict.
  int keep_images = 0;
};

struct Evaluation {
  SplitMetrics metrics;             // MetricsAccumulator::Finish's; empty when not scored.
  std::vector<ImageOutput> images;  // The first options.keep_images images, in order.
};

// The model (in eval mode, without gradients) over dataset.examples[indices], in that order,
// in batches of options.batch_size under the Compute's autocast; masks of spec's height x
// width.
Evaluation Evaluate(models::MultitaskModelImpl& model, const data::Dataset& dataset,
                    const std::vector<int>& indices, const data::DataSpec& spec,
                    const EvaluationOptions& options, const Compute& compute);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_EVALUATION_H_
