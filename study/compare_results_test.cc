#include "study/compare_results.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

Result Sample() {
  Result r;
  r.set_trial_id("abc");
  r.mutable_experiment()->mutable_training()->set_epochs(2);
  for (int e = 0; e < 2; ++e) {
    EpochRecord* epoch = r.add_epoch();
    epoch->set_epoch(e);
    epoch->set_train_loss(1.0 / (e + 1));
    epoch->add_train_task_loss(0.5);
    epoch->add_train_task_loss(0.25);
    (*epoch->mutable_diagnostics())["alpha/0"] = 0.9;
    epoch->set_seconds(3.0 + e);
    epoch->set_images_per_second(10);
  }
  r.set_best_epoch(1);
  r.mutable_test()->set_dice(0.75);
  r.mutable_test()->add_image_dice(0.5);
  r.mutable_test()->add_image_dice(1.0);
  r.mutable_test()->add_image_id("p1/0");
  r.mutable_test()->add_image_id("p1/1");
  r.set_train_seconds(7);
  r.mutable_environment()->set_hostname("a");
  return r;
}

TEST(CompareResultsTest, IdenticalResultsHaveNoMovedValue) {
  EXPECT_THAT(CompareResults(Sample(), Sample(), 0), IsEmpty());
}

TEST(CompareResultsTest, TimesAndEnvironmentAreNotCompared) {
  Result b = Sample();
  b.mutable_epoch(0)->set_seconds(99);
  b.mutable_epoch(1)->set_images_per_second(1);
  b.set_train_seconds(1);
  b.set_images_per_second(5);
  b.mutable_environment()->set_hostname("b");
  EXPECT_THAT(CompareResults(Sample(), b, 0), IsEmpty());
}

TEST(CompareResultsTest, NamesEveryMovedValueWithBothNumbers) {
  Result b = Sample();
  b.mutable_epoch(1)->set_train_loss(0.5000001);
  b.mutable_test()->set_image_dice(1, 0.96875);
  b.mutable_test()->set_image_id(0, "p2/0");
  (*b.mutable_epoch(0)->mutable_diagnostics())["alpha/0"] = 0.8;
  b.set_best_epoch(0);
  const std::vector<MovedValue> moved = CompareResults(Sample(), b, 0);
  EXPECT_THAT(moved, ElementsAre(Field(&MovedValue::field, "epoch[0].diagnostics[\"alpha/0\"]"),
                                 Field(&MovedValue::field, "epoch[1].train_loss"),
                                 Field(&MovedValue::field, "best_epoch"),
                                 Field(&MovedValue::field, "test.image_id[0]"),
                                 Field(&MovedValue::field, "test.image_dice[1]")));
  EXPECT_EQ(DescribeMovedValue(moved[1]),
            "epoch[1].train_loss: 0.5 (saved) -> 0.5000001 (rerun)");
  EXPECT_EQ(DescribeMovedValue(moved[4]), "test.image_dice[1]: 1 (saved) -> 0.96875 (rerun)");
  EXPECT_EQ(DescribeMovedValue(moved[2]), "best_epoch: 1 (saved) -> 0 (rerun)");
}

TEST(CompareResultsTest, ToleranceAppliesToDoublesOnly) {
  Result b = Sample();
  b.mutable_test()->set_dice(0.7500001);
  b.set_best_epoch(0);
  const std::vector<MovedValue> moved = CompareResults(Sample(), b, 1e-6);
  EXPECT_THAT(moved, ElementsAre(Field(&MovedValue::field, "best_epoch")));
  EXPECT_THAT(CompareResults(Sample(), b, 0), ::testing::SizeIs(2));
}

TEST(CompareResultsTest, ChangedLengthsAndSpecs) {
  Result b = Sample();
  b.mutable_epoch()->RemoveLast();
  b.mutable_experiment()->mutable_training()->set_epochs(1);
  b.set_trial_id("def");
  const std::vector<MovedValue> moved = CompareResults(Sample(), b, 0);
  EXPECT_THAT(moved, ElementsAre(Field(&MovedValue::field, "trial_id"),
                                 Field(&MovedValue::field, "experiment.training.epochs"),
                                 Field(&MovedValue::field, "epoch (entries)")));
  EXPECT_EQ(moved[2].saved, "2");
  EXPECT_EQ(moved[2].rerun, "1");
}

TEST(CompareResultsTest, NotANumberEqualsItself) {
  Result a = Sample(), b = Sample();
  a.mutable_test()->set_hd95(std::nan(""));
  b.mutable_test()->set_hd95(std::nan(""));
  EXPECT_THAT(CompareResults(a, b, 0), IsEmpty());
}

}  // namespace
}  // namespace nerve_mtl::study
