#ifndef NERVE_MTL_STUDY_TRAINER_EPOCH_H_
#define NERVE_MTL_STUDY_TRAINER_EPOCH_H_

// One epoch of training: the pass over the training batches, and its record (internal to
// //study:trainer).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/compute.h"
#include "common/progress.h"
#include "data/loader.h"
#include "losses/loss_spec.pb.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "optim/adam.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// The sums of one training pass.
struct EpochLosses {
  double loss_sum = 0.0;  // Of the combined (or single-task) loss, over steps.
  std::vector<double> task_sum = std::vector<double>(losses::kNumTasks, 0.0);
  int64_t steps = 0;
  int64_t images = 0;
  double seconds = 0.0;

  double MeanLoss() const;
  std::vector<double> MeanTaskLosses() const;
};

// Trains a model for one epoch at a time: forward pass under the Compute's autocast, the task
// losses in fp32, the strategy's combined backward pass (or the single task's), one optimiser
// step per batch.
class EpochTrainer {
 public:
  // `strategy` is null for a single-task model. All must outlive the trainer.
  EpochTrainer(models::MultitaskModelImpl& model, losses::MultitaskStrategy* strategy,
               optim::MultiTensorAdam& optimizer, const losses::LossSpec& loss,
               const Compute& compute);

  // Epoch `epoch` (from 0) of `epochs`, over `loader`'s batches, shown on `bar` as "<label>
  // epoch e/n". Tells the strategy the epoch starts and, with the mean task losses, that it
  // ended. Aborted, naming epoch, step and task, on a non-finite loss.
  absl::StatusOr<EpochLosses> Train(int epoch, int epochs, const std::string& label,
                                    data::BatchLoader* loader, Progress* bar);

 private:
  models::MultitaskModelImpl& model_;
  losses::MultitaskStrategy* strategy_;
  optim::MultiTensorAdam& optimizer_;
  const losses::LossSpec& loss_;
  const Compute& compute_;
  losses::BackwardContext context_;
};

// The epoch's record in the result: losses, task weights (the strategy's, or 1 for the model's
// own task), learning rate, validation metrics, the model's diagnostics and throughput.
EpochRecord MakeEpochRecord(int epoch, double learning_rate, const EpochLosses& losses,
                            models::MultitaskModelImpl& model,
                            const losses::MultitaskStrategy* strategy,
                            const SplitMetrics& val);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_EPOCH_H_
