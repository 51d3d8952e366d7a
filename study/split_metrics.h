#ifndef NERVE_MTL_STUDY_SPLIT_METRICS_H_
#define NERVE_MTL_STUDY_SPLIT_METRICS_H_

#include <vector>

#include "study/metrics.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// The result-file form of one evaluation: the metrics of the tasks it has, and each image's id,
// true label and predicted label (-1 without classification), in evaluation order, all as
// MetricsAccumulator::Finish gave them.
SplitMetrics ToSplitMetrics(const EvaluationMetrics& metrics);

// One multitask evaluation from two checkpoints of the same model on the same images (same
// order): the segmentation metrics of `segmentation`, the classification metrics of
// `classification`, and the metrics that need both (Dice on correctly and wrongly classified
// images) recomputed from the first's per-image Dice and the second's labels. This is how the
// per-task checkpoint rule (README, "Fair comparison") reports a multitask row.
SplitMetrics CombineTasks(const SplitMetrics& segmentation, const SplitMetrics& classification);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_SPLIT_METRICS_H_
