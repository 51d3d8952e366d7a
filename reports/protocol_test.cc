#include "reports/protocol.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reports/tables.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

void AddRate(const std::string& what, study::Components::LearningRate::Kind kind, double value,
             Result* r) {
  study::Components::LearningRate* rate = r->mutable_components()->add_learning_rate();
  rate->set_what(what);
  rate->set_kind(kind);
  rate->set_value(value);
}

Result NatTrial() {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id("nat");
  study::Experiment* e = r.mutable_experiment();
  e->set_name("QuickNAT");
  e->mutable_model()->set_name("quicknat");
  e->mutable_training()->set_epochs(8);
  e->mutable_training()->set_learning_rate(0.005);
  r.mutable_test()->set_has_segmentation(true);
  r.mutable_test()->set_has_classification(false);
  return r;
}

// Soft sharing, `pretrain`+`epochs`, monitoring Dice + accuracy with early stopping.
Result SoftTrial(int pretrain, int epochs) {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id("soft");
  study::Experiment* e = r.mutable_experiment();
  e->set_name("SoftQuickFCN / linear");
  e->mutable_model()->set_name("softquickfcn");
  e->mutable_loss()->set_strategy("linear");
  study::TrainingSpec* t = e->mutable_training();
  t->set_epochs(epochs);
  t->set_pretrain_epochs(pretrain);
  t->set_learning_rate(0.005);
  t->set_monitor(study::MONITOR_DICE_PLUS_ACCURACY);
  t->set_early_stopping_patience(3);
  r.mutable_test()->set_has_segmentation(true);
  r.mutable_test()->set_has_classification(true);
  // As study/components.cc records soft sharing: branches pretrained, alphas at 0.01 absolute.
  study::Components* c = r.mutable_components();
  c->set_segments(true);
  c->set_classifies(true);
  c->set_cross_stitch(true);
  c->set_pretrains(true);
  AddRate("cross-stitch alpha", study::Components::LearningRate::ABSOLUTE, 0.01, &r);
  return r;
}

const std::vector<std::string> kLabels = {"QuickNAT", "SoftQuickFCN / linear"};

TEST(ProtocolTest, TwoRowsWithEqualBudgetsRenderAsWrittenByHand) {
  const std::vector<Result> results = {SoftTrial(4, 4), NatTrial()};
  const Section section = ProtocolSection(DescribeProtocol(results, kLabels));
  EXPECT_EQ(section.title, "Protocol");
  EXPECT_TRUE(section.before_tables);
  EXPECT_EQ(section.markdown,
            "Read from each row's resolved spec (`experiment.textproto` in its trial folders).\n"
            "\n"
            "- **Reported checkpoint**: every row reports the test metrics of the weights of its "
            "epoch with the best validation value of `training.monitor` (the first such epoch "
            "on ties); the test set plays no part in the choice.\n"
            "  - best validation Dice: QuickNAT\n"
            "  - best validation Dice + accuracy, stopping after 3 epochs without a better one: "
            "SoftQuickFCN / linear\n"
            "- **Learning rate**: rows differ (listed by rule).\n"
            "  - Adam (amsgrad), lr 0.005, weight decay 0, StepLR x0.1 every 50 epochs: QuickNAT\n"
            "  - Adam (amsgrad), lr 0.005, weight decay 0, StepLR x0.1 every 50 epochs; "
            "cross-stitch alpha lr 0.01 (absolute): SoftQuickFCN / linear\n"
            "- **Epoch budget** (\"Epochs\" in the tables; soft sharing: pretraining epochs of "
            "each single-task branch + joint epochs; with early stopping, the most a row may "
            "use): equal, 8 epochs for every row.\n"
            "  - 8: QuickNAT\n"
            "  - 4+4 (8 in all): SoftQuickFCN / linear\n");
  EXPECT_EQ(section.json_key, "protocol");
  EXPECT_EQ(section.json,
            "{\n"
            "    \"checkpoint\": [\n"
            "      {\"rule\": \"best validation Dice\", \"rows\": [\"QuickNAT\"]},\n"
            "      {\"rule\": \"best validation Dice + accuracy, stopping after 3 epochs without "
            "a better one\", \"rows\": [\"SoftQuickFCN / linear\"]}\n"
            "    ],\n"
            "    \"learning_rate\": [\n"
            "      {\"rule\": \"Adam (amsgrad), lr 0.005, weight decay 0, StepLR x0.1 every 50 "
            "epochs\", \"rows\": [\"QuickNAT\"]},\n"
            "      {\"rule\": \"Adam (amsgrad), lr 0.005, weight decay 0, StepLR x0.1 every 50 "
            "epochs; cross-stitch alpha lr 0.01 (absolute)\", \"rows\": [\"SoftQuickFCN / "
            "linear\"]}\n"
            "    ],\n"
            "    \"epoch_budget\": [\n"
            "      {\"budget\": \"8\", \"total\": 8, \"rows\": [\"QuickNAT\"]},\n"
            "      {\"budget\": \"4+4\", \"total\": 8, \"rows\": [\"SoftQuickFCN / linear\"]}\n"
            "    ],\n"
            "    \"equal_epoch_budgets\": true\n"
            "  }");
}

TEST(ProtocolTest, UnequalBudgetsAreFlagged) {
  const Protocol p = DescribeProtocol({NatTrial(), SoftTrial(0, 8)}, kLabels);
  EXPECT_FALSE(p.equal_budgets);
  ASSERT_EQ(p.budget.size(), 2u);
  EXPECT_EQ(p.budget[1].text, "8+8");
  EXPECT_EQ(p.budget_totals, (std::vector<int>{8, 16}));
  const std::string md = ProtocolSection(p).markdown;
  EXPECT_NE(md.find("use): **UNEQUAL across rows**"), std::string::npos) << md;
  EXPECT_NE(md.find("  - 8+8 (16 in all): SoftQuickFCN / linear\n"), std::string::npos) << md;
}

// Each kind of own rate as the protocol states it: absolute, a multiple of the base rate (0.005),
// a rule's own step size.
TEST(ProtocolTest, OwnLearningRatesOfEachKind) {
  Result r = SoftTrial(4, 4);
  AddRate("log variances", study::Components::LearningRate::MULTIPLE_OF_BASE, 10, &r);
  AddRate("GradNorm task weights", study::Components::LearningRate::OWN_RULE, 0.025, &r);
  const Protocol p = DescribeProtocol({r}, {"SoftQuickFCN / linear"});
  ASSERT_EQ(p.learning_rate.size(), 1u);
  EXPECT_EQ(p.learning_rate[0].text,
            "Adam (amsgrad), lr 0.005, weight decay 0, StepLR x0.1 every 50 epochs; "
            "cross-stitch alpha lr 0.01 (absolute); log variances lr 0.005 x 10; "
            "GradNorm task weights lr 0.025");
}

TEST(ProtocolTest, SharedRulesNameEveryRow) {
  Result other = NatTrial();
  other.mutable_experiment()->set_name("QuickNAT wide");
  const Protocol p = DescribeProtocol({NatTrial(), other}, {"QuickNAT", "QuickNAT wide"});
  ASSERT_EQ(p.checkpoint.size(), 1u);
  EXPECT_EQ(p.checkpoint[0].rows, (std::vector<std::string>{"QuickNAT", "QuickNAT wide"}));
  const std::string md = ProtocolSection(p).markdown;
  EXPECT_NE(md.find("- **Learning rate**: one rule for every row.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("  - best validation Dice: every row\n"), std::string::npos) << md;
}

TEST(ProtocolTest, MonitorFallsBackToTheMetricTheModelHas) {
  Result classifier = NatTrial();
  classifier.mutable_experiment()->mutable_model()->set_name("resultnet");
  classifier.mutable_experiment()->mutable_training()->set_monitor(study::MONITOR_DICE);
  classifier.mutable_test()->set_has_segmentation(false);
  classifier.mutable_test()->set_has_classification(true);
  const Protocol p = DescribeProtocol({classifier}, {"QuickNAT"});
  ASSERT_EQ(p.checkpoint.size(), 1u);
  EXPECT_EQ(p.checkpoint[0].text, "best validation accuracy");
}

}  // namespace
}  // namespace nerve_mtl::reports
