#ifndef NERVE_MTL_STUDY_TRAINER_SETUP_H_
#define NERVE_MTL_STUDY_TRAINER_SETUP_H_

// What a trial needs before its first epoch (internal to //study:trainer).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "data/load.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "trial/experiment.pb.h"
#include "study/trainer.h"

namespace nerve_mtl::study {

struct TrialSetup {
  Experiment resolved;  // What experiment.textproto says (SavedExperiment).
  std::string trial_id;
  data::LoadedData data;
  std::shared_ptr<models::MultitaskModelImpl> model;    // Freshly initialised, on the CPU.
  std::unique_ptr<losses::MultitaskStrategy> strategy;  // Null for a single-task model.
};

// Validates the spec, loads its data (printing the near-duplicate grouping to options.log),
// applies options.compute, seeds torch and creates the model and, for a multitask model, the
// strategy; every check that needs the data or the model (class count, the strategy fitting the
// model, the losses' options) fails here, before anything is written.
absl::StatusOr<TrialSetup> SetUpTrial(const Experiment& experiment, const TrainOptions& options);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_SETUP_H_
