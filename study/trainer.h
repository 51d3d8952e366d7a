#ifndef NERVE_MTL_STUDY_TRAINER_H_
#define NERVE_MTL_STUDY_TRAINER_H_

#include <cstdint>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/compute.h"
#include "models/model.h"
#include "trial/experiment.pb.h"
#include "trial/result.pb.h"
#include "study/spec.h"

namespace nerve_mtl::study {

struct TrainOptions {
  // Receives checkpoint.pt (last epoch, for resuming), best_model.pt and events/ (TensorBoard).
  std::string out_dir;
  // Soft sharing's pretrained branches, by spec hash; empty = <out_dir>/pretrained. A grid
  // passes one shared directory so each branch is pretrained once.
  std::string pretrained_dir;
  // Progress output; `terminal` draws a live bar instead of periodic lines.
  std::ostream* log = &std::cerr;
  bool terminal = false;
  // Write TensorBoard events (scalars, overlays, histograms).
  bool tensorboard = true;
  // Stop with a Cancelled status after this many epochs in this call, as a kill would (the
  // checkpoint stays); 0 = no limit. Lets tests and time-boxed jobs interrupt and resume.
  int max_epochs_this_call = 0;
  // Device, precision and determinism; the default is the reproducible CPU setting.
  Compute compute;
};

// Seeds torch's generators (CPU and CUDA). With a deterministic Compute applied, two runs of one
// spec on one machine with the same thread count give bit-identical weights.
void SeedEverything(uint64_t seed);

// Trains one experiment and evaluates its best epoch on validation and test. Resumes from
// <out_dir>/checkpoint.pt when that belongs to the same resolved experiment. A non-finite loss
// stops training with an Aborted status naming epoch and step.
absl::StatusOr<Result> TrainExperiment(const Experiment& experiment, const TrainOptions& options);

// Loads weights a training saved (best_model.pt) into a model of the same spec, onto the device
// the model's parameters are on.
absl::Status LoadModelWeights(const std::string& path, models::MultitaskModelImpl* model);

// Writes <dir>/experiment.textproto (the resolved spec) and <dir>/result.textproto, each via a
// temporary file and a rename.
absl::Status WriteResult(const std::string& dir, const Result& result);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_H_
