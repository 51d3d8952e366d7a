#include "study/preflight.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "study/thresholds.h"

namespace nerve_mtl::study {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Three small rows on a 3-patient phantom (1 train, 1 validation, 1 test patient).
Study Tiny(const std::string& extra = "") {
  Study study;
  const std::string text = R"pb(
                             name: "tiny"
                             base {
                               data {
                                 phantom { patients: 3 images_per_patient: 4 }
                                 height: 32
                                 width: 32
                               }
                               model { filters: 4 kernel_size: 3 depth: 2 resnet_width: 4 }
                               training { epochs: 2 batch_size: 4 }
                             }
                             axis {
                               name: "variant"
                               value {
                                 label: "QuickNAT"
                                 set { model { name: "quicknat" } }
                               }
                               value {
                                 label: "ResNet-18"
                                 set { model { name: "resultnet" } }
                               }
                               value {
                                 label: "SoftQuickFCN"
                                 set {
                                   model { name: "softquickfcn" }
                                   training { epochs: 1 pretrain_epochs: 1 }
                                 }
                               }
                             }
                           )pb" +
                           extra;
  absl::Status s = ParseTextProto(text, "tiny", &study);
  EXPECT_TRUE(s.ok()) << s;
  return study;
}

TEST(PreflightTest, AGoodStudyGivesEachRowsBudgetTasksAndBaselines) {
  absl::StatusOr<StudyPlan> plan = PrepareStudy(Tiny());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->rows.size(), 3u);
  EXPECT_EQ(plan->trials.size(), 3u);
  const RowFacts& soft = plan->rows[2];
  EXPECT_EQ(soft.label, "SoftQuickFCN");
  EXPECT_EQ(soft.epochs, 1);
  EXPECT_EQ(soft.pretrain_epochs, 1);
  EXPECT_EQ(soft.budget_epochs(), plan->rows[0].budget_epochs());
  EXPECT_TRUE(soft.segments && soft.classifies);
  EXPECT_FALSE(plan->rows[1].segments);
  EXPECT_EQ(plan->rows[0].train_images, 4);   // One training patient of 4 images.
  EXPECT_EQ(soft.baselines.size(), 2u * 3u);  // {empty, full} x 3 classes.
}

TEST(PreflightTest, AnUnknownStrategyStopsTheStudyNamingTheRowAndField) {
  Study study = Tiny();
  AxisValue* row = study.mutable_axis(0)->add_value();
  row->set_label("QuickFCN / DWA");
  ASSERT_TRUE(ParseTextProto(R"pb(model { name: "quickfcn" }
                                  loss { strategy: "dwaa" })pb",
                             "row", row->mutable_set())
                  .ok());
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), AllOf(HasSubstr("trial 'QuickFCN / DWA'"),
                                             HasSubstr("loss.strategy"), HasSubstr("dwaa")));
}

TEST(PreflightTest, MgdaUbIsRefusedForAModelWithoutASharedRepresentation) {
  Study study = Tiny();
  for (const char* model : {"quickfcn", "softquickfcn"}) {
    AxisValue* row = study.mutable_axis(0)->add_value();
    row->set_label(std::string(model) + " / MGDA-UB");
    ASSERT_TRUE(ParseTextProto(std::string("model { name: '") + model +
                                   "' } loss { strategy: 'mgda' mgda { upper_bound: true } }",
                               "row", row->mutable_set())
                    .ok());
    if (std::string(model) == "softquickfcn") {
      row->mutable_set()->mutable_training()->set_epochs(1);
      row->mutable_set()->mutable_training()->set_pretrain_epochs(1);
    }
  }
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(),
            "trial 'softquickfcn / MGDA-UB': loss.mgda: weights from the shared representation "
            "need a model that exposes one, and model 'softquickfcn' does not");
  // Without the SoftQuickFCN row the QuickFCN one passes.
  study.mutable_axis(0)->mutable_value()->RemoveLast();
  EXPECT_TRUE(PrepareStudy(study).ok()) << PrepareStudy(study).status();
}

TEST(PreflightTest, AModelOptionItsValidatorRefusesStopsTheStudy) {
  Study study = Tiny();
  study.mutable_axis(0)->mutable_value(0)->mutable_set()->mutable_model()->set_kernel_size(4);
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(),
              AllOf(HasSubstr("trial 'QuickNAT'"), HasSubstr("model.kernel_size")));
}

TEST(PreflightTest, DataTooSmallForItsSplitStopsTheStudy) {
  Study study = Tiny();
  study.mutable_base()->mutable_data()->mutable_phantom()->set_patients(2);
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(), HasSubstr("trial 'QuickNAT'"));
}

TEST(PreflightTest, UnequalBudgetsAreRefusedUnlessTheStudyAllowsThem) {
  Study study = Tiny();
  // Soft sharing's 2 pretraining epochs + 2 joint against 2 for the others.
  study.mutable_axis(0)->mutable_value(2)->mutable_set()->mutable_training()->set_epochs(2);
  study.mutable_axis(0)->mutable_value(2)->mutable_set()->mutable_training()->set_pretrain_epochs(
      2);
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plan.status().message(),
              AllOf(HasSubstr("trial 'SoftQuickFCN'"), HasSubstr("budget of 4 epochs"),
                    HasSubstr("training.pretrain_epochs 2"), HasSubstr("allow_unequal_budgets")));
  study.set_allow_unequal_budgets(true);
  EXPECT_TRUE(PrepareStudy(study).ok());
}

TEST(PreflightTest, PretrainingEpochsOnAModelThatDoesNotPretrainAreRefused) {
  Study study = Tiny();
  study.mutable_axis(0)->mutable_value(0)->mutable_set()->mutable_training()->set_pretrain_epochs(
      1);
  study.set_allow_unequal_budgets(true);
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_THAT(plan.status().message(),
              AllOf(HasSubstr("trial 'QuickNAT'"), HasSubstr("training.pretrain_epochs")));
}

TEST(PreflightTest, AThresholdAtATrivialBaselineIsRefusedAndOneAboveIsKept) {
  absl::StatusOr<StudyPlan> plan = PrepareStudy(Tiny());
  ASSERT_TRUE(plan.ok()) << plan.status();
  double majority = 0;
  for (const Baseline& b : plan->rows[1].baselines) {
    majority = std::max(majority, b.results.front().test().accuracy());
  }
  Study study = Tiny();
  Threshold* t = study.add_threshold();
  t->set_trial("ResNet-18");
  t->set_metric("test.accuracy");
  t->set_min(majority);
  absl::StatusOr<StudyPlan> refused = PrepareStudy(study);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              AllOf(HasSubstr("study.threshold[0]"), HasSubstr("cannot catch a broken model"),
                    HasSubstr("predicts class"), HasSubstr("trial 'ResNet-18'")));
  t->set_min(majority + 0.01);
  EXPECT_TRUE(PrepareStudy(study).ok());
}

TEST(PreflightTest, ThresholdsOnNoRowOrOnAMetricTheRowLacksAreRefused) {
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {R"pb(threshold { trial: "QuickNet" metric: "test.dice" min: 0.9 })pb",
            "no row has this label"},
           {R"pb(threshold { trial: "ResNet-18" metric: "test.dice" min: 0.9 })pb",
            "has no test.dice"},
           {R"pb(threshold { trial: "*" metric: "test.dise" min: 0.9 })pb", "unknown metric"}}) {
    absl::StatusOr<StudyPlan> plan = PrepareStudy(Tiny(text));
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(plan.status().message(), HasSubstr(message)) << text;
  }
}

TEST(PreflightTest, CheckExperimentRefusesAMissingDataDirectoryAsBadInput) {
  Experiment experiment;
  ASSERT_TRUE(ParseTextProto(R"pb(
                               model { name: "quicknat" }
                               data { kaggle { directory: "/nonexistent/kaggle" } }
                             )pb",
                             "e", &experiment)
                  .ok());
  absl::StatusOr<RowFacts> facts = CheckExperiment(experiment);
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(facts.status().message(), HasSubstr("/nonexistent/kaggle"));
}

}  // namespace
}  // namespace nerve_mtl::study
