// The tables' "Epochs" column (each row's epoch budget) in every format, against output written
// by hand for a two-row result set: a single-task row and a soft-sharing row that pretrains.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reports/tables.h"
#include "reports/tables_csv.h"
#include "reports/tables_json.h"
#include "reports/tables_latex.h"
#include "reports/tables_markdown.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

Result Trial(const std::string& label, const std::string& model, int pretrain, int epochs,
             double dice) {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id(label.substr(0, 4));
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->mutable_model()->set_name(model);
  r.mutable_experiment()->mutable_training()->set_epochs(epochs);
  r.mutable_experiment()->mutable_training()->set_pretrain_epochs(pretrain);
  r.mutable_components()->set_pretrains(model == "softquickfcn");
  r.mutable_test()->set_has_segmentation(true);
  r.mutable_test()->set_dice(dice);
  r.set_parameters(100);
  return r;
}

class BudgetColumnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ReportOptions options;
    options.paired_tests = false;  // A narrower table.
    absl::StatusOr<Report> report = BuildReport(
        {Trial("QuickNAT", "quicknat", 0, 8, 0.5), Trial("Soft", "softquickfcn", 4, 4, 0.75)},
        options);
    ASSERT_TRUE(report.ok()) << report.status();
    report_ = *report;
  }

  const Table& Segmentation() const { return report_.tables[0]; }

  Report report_;
};

TEST_F(BudgetColumnTest, ShownInSegmentationClassificationAndCostOnly) {
  ASSERT_EQ(report_.tables.size(), 4u);
  EXPECT_TRUE(report_.tables[0].budget_column);   // segmentation
  EXPECT_TRUE(report_.tables[1].budget_column);   // classification
  EXPECT_FALSE(report_.tables[2].budget_column);  // misclassification
  EXPECT_TRUE(report_.tables[3].budget_column);   // cost
}

TEST_F(BudgetColumnTest, Markdown) {
  const std::string md = RenderMarkdown(report_, Segmentation());
  EXPECT_NE(md.find("| Model | n | Epochs | Dice | IoU | HD95 (px) |\n"
                    "|:---|---:|---:|---:|---:|---:|\n"
                    "| QuickNAT | 1 | 8 | 0.5000 | — | — |\n"
                    "| Soft | 1 | 4+4 | **0.7500** | — | — |\n"),
            std::string::npos)
      << md;
}

TEST_F(BudgetColumnTest, Latex) {
  const std::string tex = RenderLatex(report_, Segmentation());
  // The budget sits after n in each row, whatever the number format (reports/latex_format.h).
  for (const char* line : {"Model & $n$ & Epochs & ", "\nQuickNAT & 1 & 8 & ", "\nSoft & 1 & 4+4 & "}) {
    EXPECT_NE(tex.find(line), std::string::npos) << line << "\n" << tex;
  }
}

TEST_F(BudgetColumnTest, Csv) {
  const std::string csv = RenderCsv(report_, Segmentation());
  EXPECT_NE(csv.find("\nlabel,n,failed,pretrain_epochs,epochs,test_dice_mean,test_dice_std,"
                     "test_dice_n,test_iou_mean,test_iou_std,test_iou_n,test_hd95_mean,"
                     "test_hd95_std,test_hd95_n\n"
                     "QuickNAT,1,0,0,8,0.5,,1,,,0,,,0\n"
                     "Soft,1,0,4,4,0.75,,1,,,0,,,0\n"),
            std::string::npos)
      << csv;
  // No budget column in the misclassification table.
  EXPECT_EQ(RenderCsv(report_, report_.tables[2]).find("epochs"), std::string::npos);
}

TEST_F(BudgetColumnTest, Json) {
  const std::string json = RenderJson(report_);
  EXPECT_NE(json.find("\"label\": \"Soft\",\n"
                      "          \"seeds\": [0],\n"
                      "          \"failed\": 0,\n"
                      "          \"baseline\": false,\n"
                      "          \"p_value\": null,\n"
                      "          \"p_holm\": null,\n"
                      "          \"paired_images\": 0,\n"
                      "          \"paired_patients\": 0,\n"
                      "          \"difference\": [null, null, null],\n"
                      "          \"epoch_budget\": {\"pretrain\": 4, \"epochs\": 4, \"total\": 8, "
                      "\"shown\": \"4+4\"},\n"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"budget_column\": false"), std::string::npos) << json;
}

TEST_F(BudgetColumnTest, SectionsArePlacedAroundTheTables) {
  report_.sections.push_back({"Before", "early\n", "before", "1", true});
  report_.sections.push_back({"After", "late\n", "after", "{}", false});
  const std::string md = RenderMarkdownReport(report_);
  const size_t before = md.find("\n## Before\n\nearly\n");
  const size_t tables = md.find("\n## Segmentation (test set)\n");
  const size_t after = md.find("\n## After\n\nlate\n");
  const size_t failed = md.find("\n## Failed trials\n");
  ASSERT_NE(before, std::string::npos) << md;
  ASSERT_NE(after, std::string::npos) << md;
  EXPECT_LT(before, tables);
  EXPECT_LT(tables, after);
  EXPECT_LT(after, failed);
  const std::string json = RenderJson(report_);
  EXPECT_NE(json.find("\n  ],\n  \"before\": 1,\n  \"after\": {},\n  \"failed_trials\": []"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace nerve_mtl::reports
