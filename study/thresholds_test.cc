#include "study/thresholds.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Result Make(const std::string& label, double dice, Result::Status status = Result::OK,
            const std::string& model = "quicknat") {
  Result r;
  r.set_status(status);
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->mutable_model()->set_name(model);
  // As study/components.cc records the two networks these tests use.
  r.mutable_components()->set_segments(model == "quicknat");
  r.mutable_components()->set_classifies(model == "resultnet");
  r.mutable_test()->set_dice(dice);
  return r;
}

Study WithThreshold(const std::string& trial, const std::string& metric, double min) {
  Study study;
  Threshold* t = study.add_threshold();
  t->set_trial(trial);
  t->set_metric(metric);
  t->set_min(min);
  return study;
}

TEST(ThresholdsTest, MeanOverSeedsAgainstTheBound) {
  const std::vector<Result> results = {Make("QuickNAT", 0.6), Make("QuickNAT", 0.8),
                                       Make("QuickFCN", 0.3)};
  EXPECT_THAT(*CheckThresholds(WithThreshold("QuickNAT", "test.dice", 0.7), results), IsEmpty());
  EXPECT_THAT(*CheckThresholds(WithThreshold("QuickNAT", "test.dice", 0.71), results),
              ElementsAre("QuickNAT: test.dice = 0.7000 is below its bound 0.7100 (mean of 2 "
                          "trials)"));
  EXPECT_THAT(*CheckThresholds(WithThreshold("*", "test.dice", 0.5), results),
              ElementsAre(HasSubstr("QuickFCN: test.dice = 0.3000 is below")));
  // "*" skips rows without the metric's task: a classifier has no Dice.
  const std::vector<Result> with_classifier = {Make("QuickNAT", 0.6),
                                               Make("ResNet-18", 0.0, Result::OK, "resultnet")};
  EXPECT_THAT(*CheckThresholds(WithThreshold("*", "test.dice", 0.5), with_classifier), IsEmpty());
  EXPECT_THAT(*CheckThresholds(WithThreshold("*", "test.accuracy", 0.5), with_classifier),
              ElementsAre(HasSubstr("ResNet-18: test.accuracy = 0.0000 is below")));
}

TEST(ThresholdsTest, FailedRowsViolateAndMistakesAreErrors) {
  const std::vector<Result> results = {Make("QuickNAT", 0.0, Result::FAILED)};
  EXPECT_THAT(*CheckThresholds(WithThreshold("QuickNAT", "test.dice", 0.1), results),
              ElementsAre("QuickNAT: test.dice has no successful result (1 failed)"));
  EXPECT_THAT(CheckThresholds(WithThreshold("QuickNAT", "test.dise", 0.1), results)
                  .status()
                  .message(),
              HasSubstr("study.threshold[0]: unknown metric 'test.dise'"));
  EXPECT_THAT(CheckThresholds(WithThreshold("Other", "test.dice", 0.1), results).status().message(),
              HasSubstr("no results for trial 'Other'"));
}

}  // namespace
}  // namespace nerve_mtl::study
