#ifndef NERVE_MTL_STUDY_TRAINER_EVALUATION_H_
#define NERVE_MTL_STUDY_TRAINER_EVALUATION_H_

// Evaluating a model on a split during and after training (internal to //study:trainer).

#include <vector>

#include "common/compute.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "models/model.h"
#include "study/metrics.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

struct Evaluation {
  SplitMetrics metrics;  // MetricsAccumulator::Finish's.
  std::vector<data::Mask> predicted_masks;  // The first `keep_masks` images.
};

// The model (in eval mode, without gradients) over dataset.examples[indices], in that order.
Evaluation Evaluate(models::MultitaskModelImpl& model, const data::Dataset& dataset,
                    const std::vector<int>& indices, const data::DataSpec& spec, int batch_size,
                    int keep_masks, const Compute& compute);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_EVALUATION_H_
