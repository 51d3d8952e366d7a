#ifndef NERVE_MTL_STUDY_TRAINER_EVENTS_H_
#define NERVE_MTL_STUDY_TRAINER_EVENTS_H_

// Training's TensorBoard record (internal to //study:trainer).

#include <vector>

#include "data/example.h"
#include "models/model.h"
#include "study/evaluation.h"
#include "tensorboard/event_writer.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// One epoch's record: losses, metrics, task weights, learning rate, diagnostics, prediction
// overlays of the first validation images (`val`, the validation split's indices, in
// `evaluation`'s order) and one weight histogram per top-level module. Nothing when `events`
// is null; write errors are ignored, as TensorBoard output is a convenience, not a result.
void LogEpoch(tensorboard::EventWriter* events, const EpochRecord& record,
              models::MultitaskModelImpl& model, const data::Dataset& dataset,
              const std::vector<int>& val, const Evaluation& evaluation);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_EVENTS_H_
