#ifndef NERVE_MTL_STUDY_TRAINER_CHECKPOINTS_H_
#define NERVE_MTL_STUDY_TRAINER_CHECKPOINTS_H_

// The files in a trial's directory that training writes and reads back (internal to
// //study:trainer): the resumable checkpoint and the best epochs' weights, named by
// trial/layout.h. Every file is written through a temporary file and a rename, so a kill never
// leaves a torn one.

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "optim/adam.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// Everything a resumed run needs: weights, optimiser state, the strategy's parameters and extra
// state, torch's CPU generator, and `progress` (the epochs so far).
absl::Status SaveCheckpoint(const std::string& path, models::MultitaskModelImpl& model,
                            optim::MultiTensorAdam& optimizer, losses::MultitaskStrategy* strategy,
                            const Result& progress);
absl::Status LoadCheckpoint(const std::string& path, models::MultitaskModelImpl& model,
                            optim::MultiTensorAdam& optimizer, losses::MultitaskStrategy* strategy,
                            Result* progress);

// The weights of the best epoch so far by one monitored value, saved to one file.
class BestWeights {
 public:
  // `value` and `epoch`: the best so far (from the checkpoint when resuming), or -infinity and
  // any epoch at the start.
  BestWeights(std::string path, double value, int epoch)
      : path_(std::move(path)), value_(value), epoch_(epoch) {}

  // Saves the model's weights when `value` beats the best (or nothing was saved yet); true when
  // it did.
  absl::StatusOr<bool> Offer(double value, int epoch, models::MultitaskModelImpl& model);

  int epoch() const { return epoch_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  double value_;
  int epoch_;
};

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_CHECKPOINTS_H_
