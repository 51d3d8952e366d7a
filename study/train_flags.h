#ifndef NERVE_MTL_STUDY_TRAIN_FLAGS_H_
#define NERVE_MTL_STUDY_TRAIN_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trial/experiment.pb.h"

namespace nerve_mtl::study {

// What //study:train was asked to do, as given on its command line (empty or 0 = not given).
struct TrainRequest {
  std::string spec;
  std::string study;
  std::string row;
  std::string rerun;
  std::vector<std::string> overrides;
  std::string out;
  std::string pretrained_dir;
  double tolerance = 0;
};

// No flag is silently ignored: a flag that does not apply with the others given is an
// InvalidArgument naming both ("--override does not apply with --rerun: ..."), as is a missing
// one (--out without --rerun, --row with --study). Checked before any file is read.
absl::Status CheckTrainRequest(const TrainRequest& request);

// The experiment //study:train trains for --spec or --study/--row, with the overrides merged
// over it either way (so they reach the trial id), validated; errors name the file, the row or
// "override N".
absl::StatusOr<Experiment> RequestedExperiment(const TrainRequest& request);

// --pretrained_dir applies only to a model with pretrained branches (`pretrains`).
absl::Status CheckPretrainedDir(const TrainRequest& request, const Experiment& experiment,
                                bool pretrains);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAIN_FLAGS_H_
