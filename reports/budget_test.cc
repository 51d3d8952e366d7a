#include "reports/budget.h"

#include "gtest/gtest.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {
namespace {

// A trial whose recorded components say whether its model pretrains (soft sharing does).
study::Result Spec(bool pretrains, int epochs, int pretrain_epochs) {
  study::Result r;
  r.mutable_components()->set_pretrains(pretrains);
  r.mutable_experiment()->mutable_training()->set_epochs(epochs);
  r.mutable_experiment()->mutable_training()->set_pretrain_epochs(pretrain_epochs);
  return r;
}

TEST(BudgetTest, SingleStageModelsTrainForEpochs) {
  const EpochBudget b = BudgetOf(Spec(false, 8, 3));  // pretrain_epochs does not apply.
  EXPECT_EQ(b.pretrain, 0);
  EXPECT_EQ(b.epochs, 8);
  EXPECT_EQ(b.Total(), 8);
  EXPECT_EQ(b.Shown(), "8");
}

TEST(BudgetTest, SoftSharingAddsPretrainingOfEachBranch) {
  const EpochBudget b = BudgetOf(Spec(true, 4, 3));
  EXPECT_EQ(b.pretrain, 3);
  EXPECT_EQ(b.epochs, 4);
  EXPECT_EQ(b.Total(), 7);
  EXPECT_EQ(b.Shown(), "3+4");
}

TEST(BudgetTest, SoftSharingPretrainsForEpochsWhenPretrainEpochsIsZero) {
  EXPECT_EQ(BudgetOf(Spec(true, 8, 0)).Shown(), "8+8");
}

TEST(BudgetTest, UnsetTrainingMeansTheSpecDefaults) {
  EXPECT_EQ(BudgetOf(study::Result()).Shown(), "20");  // TrainingSpec.epochs defaults to 20.
}

}  // namespace
}  // namespace nerve_mtl::reports
