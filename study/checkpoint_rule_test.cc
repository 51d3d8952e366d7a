#include "study/checkpoint_rule.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

TEST(CheckpointRuleTest, UnsetMonitorPicksEachTaskByItsOwnValidationMetric) {
  const CheckpointRule multitask = ChooseCheckpointRule(MONITOR_METRIC_UNSPECIFIED, true, true);
  EXPECT_EQ(multitask.primary, MONITOR_DICE);
  EXPECT_TRUE(multitask.separate_classification);
  const CheckpointRule segmenter = ChooseCheckpointRule(MONITOR_METRIC_UNSPECIFIED, true, false);
  EXPECT_EQ(segmenter.primary, MONITOR_DICE);
  EXPECT_FALSE(segmenter.separate_classification);
  const CheckpointRule classifier = ChooseCheckpointRule(MONITOR_METRIC_UNSPECIFIED, false, true);
  EXPECT_EQ(classifier.primary, MONITOR_ACCURACY);
  EXPECT_FALSE(classifier.separate_classification);
}

TEST(CheckpointRuleTest, AnExplicitMonitorPicksOneCheckpointForEveryTask) {
  for (MonitorMetric m : {MONITOR_DICE, MONITOR_ACCURACY, MONITOR_DICE_PLUS_ACCURACY}) {
    const CheckpointRule rule = ChooseCheckpointRule(m, true, true);
    EXPECT_EQ(rule.primary, m);
    EXPECT_FALSE(rule.separate_classification);
  }
  // A metric the model lacks falls back to the one it has.
  EXPECT_EQ(ChooseCheckpointRule(MONITOR_DICE, false, true).primary, MONITOR_ACCURACY);
  EXPECT_EQ(ChooseCheckpointRule(MONITOR_ACCURACY, true, false).primary, MONITOR_DICE);
}

TEST(CheckpointRuleTest, MonitorValueReadsTheEpochsValidationMetrics) {
  EpochRecord record;
  record.set_val_dice(0.25);
  record.set_val_accuracy(0.5);
  EXPECT_DOUBLE_EQ(MonitorValue(MONITOR_DICE, record), 0.25);
  EXPECT_DOUBLE_EQ(MonitorValue(MONITOR_ACCURACY, record), 0.5);
  EXPECT_DOUBLE_EQ(MonitorValue(MONITOR_DICE_PLUS_ACCURACY, record), 0.75);
  record.set_val_dice(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(MonitorValue(MONITOR_DICE, record), -std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace nerve_mtl::study
