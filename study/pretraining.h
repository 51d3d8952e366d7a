#ifndef NERVE_MTL_STUDY_PRETRAINING_H_
#define NERVE_MTL_STUDY_PRETRAINING_H_

// Soft sharing's pretrained branches (internal to //study:trainer).

#include "absl/status/status.h"
#include "models/model.h"
#include "trial/experiment.pb.h"
#include "study/trainer.h"

namespace nerve_mtl::study {

// Trains (or finds in options.pretrained_dir, by spec hash) each single-task branch that `model`
// asks for, and loads them into it. Nothing for a model without pretraining specs.
absl::Status Pretrain(models::MultitaskModelImpl& model, const Experiment& resolved,
                      const TrainOptions& options);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_PRETRAINING_H_
