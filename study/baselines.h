#ifndef NERVE_MTL_STUDY_BASELINES_H_
#define NERVE_MTL_STUDY_BASELINES_H_

#include <string>
#include <vector>

#include "data/example.h"
#include "data/split.h"
#include "trial/experiment.pb.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// A model that ignores its input and its results on a row's data: what a broken model scores.
struct Baseline {
  std::string description;  // e.g. "predicts empty masks and class 'median' for every image"
  // As the row's trials would record them (status OK, name, model): one per replicate of the
  // row (cross-validation fold, study.proto's pooled axes), whose mean a threshold sees.
  std::vector<Result> results;
};

// The trivial baselines of a row whose model segments and/or classifies: every combination of
// one constant mask (empty, all foreground) and one constant class, evaluated on the row's
// validation and test images with the study's own metrics (MetricsAccumulator). So the best of
// them is, per metric, the majority-class accuracy, the Dice of an empty and of an
// all-foreground mask, and so on; a threshold at or below it cannot catch a broken model.
std::vector<Baseline> TrivialBaselines(const Experiment& experiment, bool segments, bool classifies,
                                       const data::Dataset& dataset,
                                       const data::SplitIndices& split);

// Adds another replicate's baselines (TrivialBaselines of the same row on another fold: the same
// descriptions in the same order) to `into`, result by result.
void PoolBaselines(std::vector<Baseline> more, std::vector<Baseline>* into);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_BASELINES_H_
