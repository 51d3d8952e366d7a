#include "study/checkpoint_rule.h"

#include <cmath>
#include <limits>

namespace nerve_mtl::study {

CheckpointRule ChooseCheckpointRule(MonitorMetric requested, bool segments, bool classifies) {
  CheckpointRule rule;
  switch (requested) {
    case MONITOR_METRIC_UNSPECIFIED:
      rule.primary = segments ? MONITOR_DICE : MONITOR_ACCURACY;
      rule.separate_classification = segments && classifies;
      break;
    case MONITOR_DICE:
      rule.primary = segments ? MONITOR_DICE : MONITOR_ACCURACY;
      break;
    case MONITOR_ACCURACY:
      rule.primary = classifies ? MONITOR_ACCURACY : MONITOR_DICE;
      break;
    default:
      rule.primary = requested;
  }
  return rule;
}

double MonitorValue(MonitorMetric monitor, const EpochRecord& record) {
  double value;
  switch (monitor) {
    case MONITOR_ACCURACY:
      value = record.val_accuracy();
      break;
    case MONITOR_DICE_PLUS_ACCURACY:
      value = record.val_dice() + record.val_accuracy();
      break;
    default:
      value = record.val_dice();
  }
  return std::isnan(value) ? -std::numeric_limits<double>::infinity() : value;
}

}  // namespace nerve_mtl::study
