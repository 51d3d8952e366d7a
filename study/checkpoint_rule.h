#ifndef NERVE_MTL_STUDY_CHECKPOINT_RULE_H_
#define NERVE_MTL_STUDY_CHECKPOINT_RULE_H_

#include "trial/experiment.pb.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// Which epochs' weights a row reports (README, "Fair comparison"). The study's
// rule, TrainingSpec.monitor unset: per task, each task's metrics come from the epoch with the
// best validation value of that task (Dice for segmentation, accuracy for classification;
// the earliest on ties). So a multitask row's accuracy is picked as ResNet-18's is and its Dice
// as QuickNAT's is. An explicit monitor picks one checkpoint for every task.
struct CheckpointRule {
  // Picks best_model.pt and Result.best_epoch: every metric, or the segmentation ones when
  // `separate_classification`.
  MonitorMetric primary = MONITOR_DICE;
  // The classification metrics come from their own best-accuracy checkpoint
  // (Result.classification_best_epoch).
  bool separate_classification = false;
};

CheckpointRule ChooseCheckpointRule(MonitorMetric requested, bool segments, bool classifies);

// The validation value `monitor` reads from an epoch; NaN (a metric that could not be computed)
// reads as -infinity, so it never counts as an improvement.
double MonitorValue(MonitorMetric monitor, const EpochRecord& record);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_CHECKPOINT_RULE_H_
