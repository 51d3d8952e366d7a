#include "reports/budget.h"

#include "gtest/gtest.h"
#include "trial/experiment.pb.h"

namespace nerve_mtl::reports {
namespace {

study::Experiment Spec(const std::string& model, int epochs, int pretrain_epochs) {
  study::Experiment e;
  e.mutable_model()->set_name(model);
  e.mutable_training()->set_epochs(epochs);
  e.mutable_training()->set_pretrain_epochs(pretrain_epochs);
  return e;
}

TEST(BudgetTest, SingleStageModelsTrainForEpochs) {
  const EpochBudget b = BudgetOf(Spec("quickfcn", 8, 3));  // pretrain_epochs does not apply.
  EXPECT_EQ(b.pretrain, 0);
  EXPECT_EQ(b.epochs, 8);
  EXPECT_EQ(b.Total(), 8);
  EXPECT_EQ(b.Shown(), "8");
}

TEST(BudgetTest, SoftSharingAddsPretrainingOfEachBranch) {
  const EpochBudget b = BudgetOf(Spec("softquickfcn", 4, 3));
  EXPECT_EQ(b.pretrain, 3);
  EXPECT_EQ(b.epochs, 4);
  EXPECT_EQ(b.Total(), 7);
  EXPECT_EQ(b.Shown(), "3+4");
}

TEST(BudgetTest, SoftSharingPretrainsForEpochsWhenPretrainEpochsIsZero) {
  EXPECT_EQ(BudgetOf(Spec("softquickfcn", 8, 0)).Shown(), "8+8");
}

TEST(BudgetTest, UnsetTrainingMeansTheSpecDefaults) {
  study::Experiment e;
  e.mutable_model()->set_name("quicknat");
  EXPECT_EQ(BudgetOf(e).Shown(), "20");  // TrainingSpec.epochs defaults to 20.
}

}  // namespace
}  // namespace nerve_mtl::reports
