#include "reports/tables.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "reports/results_io.h"
#include "reports/tables_csv.h"
#include "reports/tables_json.h"
#include "reports/tables_latex.h"
#include "reports/tables_markdown.h"
#include "trial/result.pb.h"
#include "stats/wilcoxon.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

const std::vector<std::string> kImages = {"p12_1", "p12_2", "p12_3", "p12_4", "p12_5", "p12_6"};
const std::vector<double> kBaseDice = {0.90, 0.80, 0.70, 0.85, 0.75, 0.95};
const std::vector<int> kTrueLabels = {0, 1, 2, 0, 1, 2};

Result Trial(const std::string& label, const std::string& model, int seed) {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id(
      absl::StrCat(std::string(1, static_cast<char>('z' - seed)), label.size(), "-", seed));
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->set_seed(seed);
  r.mutable_experiment()->mutable_model()->set_name(model);
  // As study/components.cc records the three networks used here.
  r.mutable_components()->set_segments(model != "resultnet");
  r.mutable_components()->set_classifies(model != "quicknat");
  study::Environment* e = r.mutable_environment();
  e->set_git_revision(seed == 2 ? "def456" : "abc123");
  e->set_libtorch_version("2.0.1");
  e->set_cpu("Test CPU @ 2GHz");
  e->set_threads(2);
  e->set_device("cpu");
  for (const std::string& id : kImages) r.mutable_test()->add_image_id(id);
  return r;
}

void Segmentation(double dice, double iou, double hd95, Result* r) {
  study::SplitMetrics* t = r->mutable_test();
  t->set_has_segmentation(true);
  t->set_dice(dice);
  t->set_iou(iou);
  if (!std::isnan(hd95)) t->set_hd95(hd95);
}

void Classification(double accuracy, double macro_f1, const std::vector<int>& predicted,
                    Result* r) {
  study::SplitMetrics* t = r->mutable_test();
  t->set_has_classification(true);
  t->set_accuracy(accuracy);
  t->set_macro_f1(macro_f1);
  t->set_classes(3);
  for (int i = 0; i < 9; ++i) t->add_confusion(i % 4 == 0 ? 2 : 0);
  for (int label : kTrueLabels) t->add_image_true_label(label);
  for (int label : predicted) t->add_image_predicted_label(label);
}

void Cost(int64_t parameters, double seconds, double images_per_second, Result* r) {
  r->set_parameters(parameters);
  r->set_train_seconds(seconds);
  r->set_images_per_second(images_per_second);
}

// Three rows over seeds 0-2 with numbers whose means and stds are easy by hand, and one failed
// trial.
std::vector<Result> Synthetic() {
  std::vector<Result> results;
  const double nat_dice[] = {0.80, 0.82, 0.84};
  const double nat_iou[] = {0.70, 0.71, 0.75};
  const double fcn_dice[] = {0.83, 0.85, 0.87};
  const double fcn_iou[] = {0.73, 0.74, 0.78};
  const double fcn_hd95[] = {4, 5, NAN};
  const double fcn_accuracy[] = {0.6, 0.7, 0.8};
  const std::vector<std::vector<int>> fcn_predicted = {
      {0, 1, 1, 0, 2, 2}, {0, 1, 2, 1, 1, 2}, {0, 0, 2, 0, 1, 2}};
  const std::vector<std::vector<int>> net_predicted = {
      {0, 1, 2, 0, 0, 0}, {0, 1, 2, 0, 1, 0}, {0, 1, 2, 2, 1, 2}};
  for (int seed = 0; seed < 3; ++seed) {
    Result nat = Trial("QuickNAT", "quicknat", seed);
    Segmentation(nat_dice[seed], nat_iou[seed], 5 + seed, &nat);
    for (double d : kBaseDice) nat.mutable_test()->add_image_dice(d + 0.01 * seed);
    Cost(1000, 10 + seed, 5, &nat);
    results.push_back(nat);

    Result fcn = Trial("QuickFCN / linear", "quickfcn", seed);
    Segmentation(fcn_dice[seed], fcn_iou[seed], fcn_hd95[seed], &fcn);
    for (size_t i = 0; i < kBaseDice.size(); ++i) {
      fcn.mutable_test()->add_image_dice(kBaseDice[i] + (i == 2 ? -0.02 : 0.05 + 0.003 * i) +
                                         0.01 * seed);
    }
    Classification(fcn_accuracy[seed], 0.5 + 0.1 * seed, fcn_predicted[seed], &fcn);
    fcn.mutable_test()->set_dice_correct(0.90 + 0.01 * seed);
    fcn.mutable_test()->set_dice_wrong(0.5 + 0.1 * seed);
    fcn.mutable_test()->set_n_correct(seed == 2 ? 5 : 4);
    fcn.mutable_test()->set_n_wrong(seed == 2 ? 1 : 2);
    Cost(2000, 20 + seed, 4, &fcn);
    results.push_back(fcn);

    Result net = Trial("ResNet", "resultnet", seed);
    Classification(0.7 + 0.05 * seed, 0.65 + 0.05 * seed, net_predicted[seed], &net);
    Cost(500, 5, 9, &net);
    results.push_back(net);
  }
  Result failed = Trial("QuickFCN / linear", "quickfcn", 3);
  failed.set_status(Result::FAILED);
  failed.set_failure("epoch 3 step 12: combined loss is nan");
  failed.clear_environment();
  failed.clear_test();
  results.push_back(failed);
  return results;
}

// Writes the results as a study would and reads them back, so the tests see what the text
// format round trip gives.
std::vector<Result> WrittenAndRead(const std::vector<Result>& results, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(std::getenv("TEST_TMPDIR")) / name;
  for (const Result& r : results) {
    const std::filesystem::path trial = dir / "trials" / r.trial_id();
    std::filesystem::create_directories(trial);
    std::string text;
    EXPECT_TRUE(google::protobuf::TextFormat::PrintToString(r, &text));
    std::ofstream(trial / "result.textproto") << text;
  }
  absl::StatusOr<std::vector<Result>> read = ReadResults(dir.string());
  EXPECT_TRUE(read.ok()) << read.status();
  return read.ok() ? *read : std::vector<Result>{};
}

// The name by value: g++ 14's -Wdangling-reference takes a returned reference to outlive a
// temporary std::string argument, which every call with a literal would make.
const Table& Find(const Report& report, std::string_view name) {
  for (const Table& table : report.tables) {
    if (table.name == name) return table;
  }
  ADD_FAILURE() << "no table " << name;
  return report.tables.front();
}

const Row* FindRow(const Table& table, const std::string& label) {
  for (const Row& row : table.rows) {
    if (row.label == label) return &row;
  }
  return nullptr;
}

class TablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    results_ = WrittenAndRead(Synthetic(), "tables");
    ASSERT_EQ(results_.size(), 10u);
    absl::StatusOr<Report> report = BuildReport(results_);
    ASSERT_TRUE(report.ok()) << report.status();
    report_ = *report;
  }

  std::vector<Result> results_;
  Report report_;
};

TEST_F(TablesTest, TablesHoldTheRowsThatDoTheirTask) {
  ASSERT_EQ(report_.tables.size(), 4u);
  auto labels = [](const Table& t) {
    std::vector<std::string> out;
    for (const Row& row : t.rows) out.push_back(row.label);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(labels(Find(report_, "segmentation")), (V{"QuickFCN / linear", "QuickNAT"}));
  EXPECT_EQ(labels(Find(report_, "classification")), (V{"QuickFCN / linear", "ResNet"}));
  EXPECT_EQ(labels(Find(report_, "misclassification")), (V{"QuickFCN / linear"}));
  EXPECT_EQ(labels(Find(report_, "cost")), (V{"QuickFCN / linear", "QuickNAT", "ResNet"}));
}

TEST_F(TablesTest, CallerOrderComesFirstThenTheRestSorted) {
  ReportOptions options;
  options.order = {"ResNet", "no such row", "QuickNAT", "ResNet"};
  absl::StatusOr<Report> report = BuildReport(results_, options);
  ASSERT_TRUE(report.ok()) << report.status();
  const Table& cost = Find(*report, "cost");
  ASSERT_EQ(cost.rows.size(), 3u);
  EXPECT_EQ(cost.rows[0].label, "ResNet");
  EXPECT_EQ(cost.rows[1].label, "QuickNAT");
  EXPECT_EQ(cost.rows[2].label, "QuickFCN / linear");
}

TEST_F(TablesTest, MeansStdsAndBoldMatchHandComputedValues) {
  const Table& seg = Find(report_, "segmentation");
  const Row* nat = FindRow(seg, "QuickNAT");
  const Row* fcn = FindRow(seg, "QuickFCN / linear");
  ASSERT_NE(nat, nullptr);
  ASSERT_NE(fcn, nullptr);
  EXPECT_EQ(nat->seeds, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(fcn->failed, 1);
  // Dice: 0.80 0.82 0.84 and 0.83 0.85 0.87.
  EXPECT_NEAR(nat->cells[0].mean, 0.82, 1e-12);
  EXPECT_NEAR(nat->cells[0].std, 0.02, 1e-12);
  EXPECT_EQ(nat->cells[0].n, 3);
  EXPECT_NEAR(fcn->cells[0].mean, 0.85, 1e-12);
  EXPECT_TRUE(fcn->cells[0].bold);
  EXPECT_FALSE(nat->cells[0].bold);
  // IoU 0.70 0.71 0.75: deviations -0.02 -0.01 0.03, sample variance 0.0014 / 2.
  EXPECT_NEAR(nat->cells[1].mean, 0.72, 1e-12);
  EXPECT_NEAR(nat->cells[1].std, std::sqrt(0.0007), 1e-12);
  // HD95: 5 6 7 against 4 5 (the third undefined); lower is better.
  EXPECT_NEAR(nat->cells[2].mean, 6.0, 1e-12);
  EXPECT_NEAR(nat->cells[2].std, 1.0, 1e-12);
  EXPECT_EQ(fcn->cells[2].n, 2);
  EXPECT_TRUE(std::isnan(fcn->cells[2].values[2]));
  EXPECT_NEAR(fcn->cells[2].mean, 4.5, 1e-12);
  EXPECT_NEAR(fcn->cells[2].std, std::sqrt(0.5), 1e-12);
  EXPECT_TRUE(fcn->cells[2].bold);
  EXPECT_FALSE(nat->cells[2].bold);

  const Table& cls = Find(report_, "classification");
  const Row* net = FindRow(cls, "ResNet");
  ASSERT_NE(net, nullptr);
  EXPECT_NEAR(net->cells[0].mean, 0.75, 1e-12);
  EXPECT_NEAR(net->cells[0].std, 0.05, 1e-12);
  EXPECT_TRUE(net->cells[0].bold);
  EXPECT_FALSE(FindRow(cls, "QuickFCN / linear")->cells[0].bold);

  const Row& mis = Find(report_, "misclassification").rows.at(0);
  EXPECT_NEAR(mis.cells[0].mean, 0.91, 1e-12);  // Dice on correct images.
  EXPECT_DOUBLE_EQ(mis.cells[1].total, 13);     // 4 + 4 + 5 correct images.
  EXPECT_NEAR(mis.cells[2].mean, 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(mis.cells[3].total, 5);

  const Row* cost = FindRow(Find(report_, "cost"), "QuickNAT");
  EXPECT_DOUBLE_EQ(cost->cells[0].mean, 1000);
  EXPECT_DOUBLE_EQ(cost->cells[1].mean, 11);
  EXPECT_FALSE(Find(report_, "cost").columns[1].checked) << "timings vary between runs";
}

TEST_F(TablesTest, PValueIsTheWilcoxonTestOfPerImageMeansOverSeeds) {
  const Table& seg = Find(report_, "segmentation");
  EXPECT_EQ(seg.baseline, "QuickNAT");
  EXPECT_TRUE(FindRow(seg, "QuickNAT")->baseline);
  const Row* fcn = FindRow(seg, "QuickFCN / linear");
  // Pairs in image-id order, each the mean over seeds 0-2 (offsets 0, 0.01, 0.02: mean 0.01).
  std::vector<double> mine, base;
  for (size_t i = 0; i < kImages.size(); ++i) {
    mine.push_back(((kBaseDice[i] + (i == 2 ? -0.02 : 0.05 + 0.003 * i)) * 3 + 0.03) / 3);
    base.push_back((kBaseDice[i] * 3 + 0.03) / 3);
  }
  absl::StatusOr<stats::WilcoxonResult> expected = stats::WilcoxonSignedRank(mine, base);
  ASSERT_TRUE(expected.ok());
  EXPECT_NEAR(fcn->p_value, expected->p_value, 1e-12);
  EXPECT_EQ(fcn->paired_images, 6);

  // Classification: correctness 1/0 per image, mean over seeds, against ResNet.
  const Table& cls = Find(report_, "classification");
  EXPECT_EQ(cls.baseline, "ResNet");
  const std::vector<std::vector<int>> fcn_predicted = {
      {0, 1, 1, 0, 2, 2}, {0, 1, 2, 1, 1, 2}, {0, 0, 2, 0, 1, 2}};
  const std::vector<std::vector<int>> net_predicted = {
      {0, 1, 2, 0, 0, 0}, {0, 1, 2, 0, 1, 0}, {0, 1, 2, 2, 1, 2}};
  std::vector<double> a(6, 0.0), b(6, 0.0);
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 6; ++i) {
      a[i] += (fcn_predicted[s][i] == kTrueLabels[i]) / 3.0;
      b[i] += (net_predicted[s][i] == kTrueLabels[i]) / 3.0;
    }
  }
  expected = stats::WilcoxonSignedRank(a, b);
  ASSERT_TRUE(expected.ok());
  EXPECT_NEAR(FindRow(cls, "QuickFCN / linear")->p_value, expected->p_value, 1e-12);
}

TEST_F(TablesTest, ContextListsDistinctValuesAndFailures) {
  const Context& c = report_.context;
  EXPECT_EQ(c.git_revisions, (std::vector<std::string>{"abc123", "def456"}));
  EXPECT_EQ(c.seeds, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(c.trials, 10);
  EXPECT_DOUBLE_EQ(c.total_train_seconds, 3 * 5 + 10 + 11 + 12 + 20 + 21 + 22);
  ASSERT_EQ(c.failed.size(), 1u);
  EXPECT_EQ(c.failed[0].label, "QuickFCN / linear");
  EXPECT_EQ(c.failed[0].seed, 3u);
  EXPECT_EQ(c.failed[0].reason, "epoch 3 step 12: combined loss is nan");
}

// --jobs: the threads line is per trial either way; how many trials ran side by side is shown
// only where the wall times are, so the metric tables of a run with --jobs=2 --threads=2 and of
// one with --threads=1 are the same bytes.
TEST_F(TablesTest, JobsAppearBesideTheTimesOnlyWhenTrialsRanSideBySide) {
  EXPECT_FALSE(absl::StrContains(RenderMarkdownReport(report_), "jobs"));
  EXPECT_FALSE(absl::StrContains(RenderJson(report_), "jobs"));
  std::vector<Result> results = results_;
  for (Result& r : results) {
    if (r.has_environment()) r.mutable_environment()->set_threads(1);
  }
  results[0].mutable_environment()->set_jobs(2);
  absl::StatusOr<Report> report = BuildReport(results);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->context.jobs, (std::vector<int>{1, 2}));
  const std::string line = "jobs: 1, 2 (trials side by side, each with the threads above)\n";
  EXPECT_TRUE(absl::StrContains(RenderMarkdownReport(*report), line));
  EXPECT_TRUE(absl::StrContains(RenderMarkdown(*report, Find(*report, "cost")), line));
  EXPECT_TRUE(absl::StrContains(RenderJson(*report), "\"jobs\": [1, 2],\n"));
  const std::string with_jobs = RenderMarkdown(*report, Find(*report, "segmentation"));
  EXPECT_FALSE(absl::StrContains(with_jobs, "jobs")) << with_jobs;
  EXPECT_TRUE(absl::StrContains(with_jobs, "threads: 1\n")) << with_jobs;
}

TEST_F(TablesTest, MarkdownShowsContextTableAndFailures) {
  const std::string md = RenderMarkdown(report_, Find(report_, "segmentation"));
  EXPECT_TRUE(absl::StartsWith(md, "<!--\nnerve-mtl study report: segmentation\n")) << md;
  EXPECT_TRUE(absl::StrContains(md, "git revision: abc123, def456\n")) << md;
  EXPECT_TRUE(absl::StrContains(md, "threads: 2\n")) << md;
  EXPECT_TRUE(absl::StrContains(md, "seeds: 0, 1, 2, 3\n")) << md;
  // Wall time only in the cost table and the whole report, so metric tables reproduce bytewise.
  EXPECT_FALSE(absl::StrContains(md, "total train time")) << md;
  EXPECT_TRUE(absl::StrContains(RenderMarkdown(report_, Find(report_, "cost")),
                                "total train time: 111.0 s\n"));
  EXPECT_TRUE(absl::StrContains(RenderMarkdownReport(report_), "total train time: 111.0 s\n"));
  EXPECT_TRUE(absl::StrContains(md,
                                "| Model | n | Epochs | Dice | IoU | HD95 (px) | images | "
                                "Δ vs QuickNAT [95% CI] | p | p (Holm) |"))
      << md;
  EXPECT_TRUE(absl::StrContains(
      md,
      "| QuickFCN / linear | 3 (1 failed) | 20 | **0.8500 ± 0.0200** | **0.7500 ± 0.0265** | "
      "**4.50 ± 0.71** |"))
      << md;
  EXPECT_TRUE(absl::StrContains(md,
                                "| QuickNAT | 3 | 20 | 0.8200 ± 0.0200 | 0.7200 ± 0.0265 | "
                                "6.00 ± 1.00 | 6 | — | — | — |"))
      << md;
  EXPECT_TRUE(absl::StrContains(
      md, "- QuickFCN / linear, seed 3 (trial w17-3): epoch 3 step 12: combined loss is nan"))
      << md;

  const std::string all = RenderMarkdownReport(report_);
  for (const char* heading : {"## Segmentation", "## Classification", "## Segmentation of",
                              "## Cost", "## Failed trials", "## Context"}) {
    EXPECT_TRUE(absl::StrContains(all, heading)) << heading;
  }
}

TEST_F(TablesTest, LatexUsesBooktabsAndBoldsTheBest) {
  const std::string tex = RenderLatex(report_, Find(report_, "segmentation"));
  EXPECT_TRUE(absl::StartsWith(tex, "% nerve-mtl study report: segmentation\n")) << tex;
  // Decimal-aligned: each mean and std its own right-aligned column, joined by the sign; the
  // difference beside its interval; each p-value split at its point.
  const std::string pm = "r@{\\enspace$\\pm$\\enspace}r";
  const std::string spec = absl::StrCat("\\begin{tabular}{lrr", pm, pm, pm, "rlr@{}lr@{}l}");
  for (const std::string& rule : {std::string("\\toprule"), std::string("\\midrule"),
                                  std::string("\\bottomrule"), spec}) {
    EXPECT_TRUE(absl::StrContains(tex, rule)) << rule << "\n" << tex;
  }
  EXPECT_TRUE(absl::StrContains(tex, "\\multicolumn{2}{c}{Dice}")) << tex;
  EXPECT_TRUE(absl::StrContains(
      tex, "\\textbf{0.}\\rlap{\\textbf{8500}}\\phantom{8500} & "
           "\\textbf{0.}\\rlap{\\textbf{0200}}\\phantom{0200}"))
      << tex;
  EXPECT_TRUE(absl::StrContains(
      tex, "\\textbf{4.}\\rlap{\\textbf{50}}\\phantom{50} & \\textbf{0.}\\rlap{\\textbf{71}}\\phantom{71}"))
      << tex;
  EXPECT_TRUE(absl::StrContains(tex, "QuickNAT & 3 & 20 & 0.8200 & 0.0200 & ")) << tex;
  EXPECT_TRUE(absl::StrContains(tex, " & \\multicolumn{2}{c}{---} & \\multicolumn{2}{c}{---} & "
                                     "\\multicolumn{2}{c}{---} \\\\\n"))
      << "baseline p: " << tex;
  EXPECT_TRUE(absl::StrContains(tex, "% - QuickFCN / linear, seed 3")) << tex;
}

// A paper pastes the LaTeX as is: p-values and intervals in math mode, exponents as powers of 10.
TEST(LatexTest, PValuesAndIntervalsAreMath) {
  Report report;
  Table table;
  table.name = "segmentation";
  table.title = "Segmentation";
  table.baseline = "QuickNAT";
  Row base;
  base.label = "QuickNAT";
  base.baseline = true;
  Row small;
  small.label = "Small p";
  small.p_value = 7.63e-06;
  small.p_holm = 0.0123;
  small.difference = -0.05;
  small.difference_low = -0.0712;
  small.difference_high = -0.0301;
  table.rows = {base, small};
  const std::string tex = RenderLatex(report, table);
  EXPECT_TRUE(absl::StrContains(
      tex, "Small p & 0 & $-0.0500$ & $[-0.0712, -0.0301]$ & $7$ & $.63\\times10^{-6}$ & $0$ & "
           "$.0123$ \\\\"))
      << tex;
  EXPECT_FALSE(absl::StrContains(tex, "e-06")) << tex;
}

TEST_F(TablesTest, CsvHasRawNumbersPerRow) {
  const std::string csv = RenderCsv(report_, Find(report_, "misclassification"));
  EXPECT_TRUE(absl::StartsWith(csv, "# nerve-mtl study report: misclassification\n")) << csv;
  EXPECT_TRUE(absl::StrContains(csv, "# failed: QuickFCN / linear, seed 3")) << csv;
  EXPECT_TRUE(absl::StrContains(
      csv,
      "\nlabel,n,failed,dice_correct_mean,dice_correct_std,dice_correct_n,n_correct_mean,"
      "n_correct_std,n_correct_n,n_correct_total,dice_wrong_mean,"))
      << csv;
  EXPECT_TRUE(absl::StrContains(csv, "\nQuickFCN / linear,3,1,0.91")) << csv;
  const std::string seg = RenderCsv(report_, Find(report_, "segmentation"));
  EXPECT_TRUE(absl::StrContains(seg,
                                ",baseline,p_value,p_holm,paired_images,paired_patients,"
                                "difference,difference_low,difference_high\n"))
      << seg;
  EXPECT_TRUE(absl::StrContains(seg, "\nQuickNAT,3,0,0,20,0.82,")) << seg;
  EXPECT_TRUE(absl::StrContains(seg, ",1,,,6,0,,,\n")) << "baseline has no p-value: " << seg;
}

TEST_F(TablesTest, JsonHasContextEveryMetricAndPerSeedValues) {
  const std::string json = RenderJson(report_);
  EXPECT_TRUE(absl::StartsWith(json,
                               "{\n  \"context\": {\n    \"git_revision\": "
                               "[\"abc123\", \"def456\"],\n"))
      << json;
  EXPECT_TRUE(absl::StrContains(json,
                                "\"failed_trials\": [\n    {\"label\": \"QuickFCN / linear\", "
                                "\"seed\": 3,"))
      << json;
  EXPECT_TRUE(absl::StrContains(json,
                                "\"test_hd95\": {\"mean\": 4.5, \"std\": 0.7071067811865476, "
                                "\"n\": 2, \"total\": 9, \"bold\": true, "
                                "\"values\": [4, 5, null]}"))
      << json;
  EXPECT_TRUE(absl::StrContains(json, "\"label\": \"QuickNAT\",\n          \"seeds\": [0, 1, 2],"))
      << json;
  EXPECT_TRUE(absl::StrContains(json, "\"p_value\": null,")) << json;
  for (const char* table : {"segmentation", "classification", "misclassification", "cost"}) {
    EXPECT_TRUE(absl::StrContains(json, absl::StrCat("\"name\": \"", table, "\""))) << table;
  }
}

TEST_F(TablesTest, RenderingTwiceGivesTheSameBytes) {
  absl::StatusOr<Report> again = BuildReport(WrittenAndRead(Synthetic(), "tables_again"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(RenderJson(*again), RenderJson(report_));
  EXPECT_EQ(RenderMarkdownReport(*again), RenderMarkdownReport(report_));
  for (size_t t = 0; t < report_.tables.size(); ++t) {
    EXPECT_EQ(RenderLatex(*again, again->tables[t]), RenderLatex(report_, report_.tables[t]));
    EXPECT_EQ(RenderCsv(*again, again->tables[t]), RenderCsv(report_, report_.tables[t]));
  }
}

TEST(TablesErrorTest, MismatchedPerImageListsNameTheTrial) {
  std::vector<Result> results = Synthetic();
  results[0].mutable_test()->add_image_dice(0.5);  // QuickNAT seed 0: 7 values, 6 ids.
  absl::StatusOr<Report> report = BuildReport(results);
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(absl::StrContains(report.status().message(), results[0].trial_id()))
      << report.status();
}

TEST(TablesEscapeTest, SpecialCharactersAreEscapedPerFormat) {
  Result r = Trial("A|B & C_1, \"x\"", "quicknat", 0);
  Segmentation(0.5, 0.4, 3, &r);
  absl::StatusOr<Report> report = BuildReport({r});
  ASSERT_TRUE(report.ok());
  const Table& seg = report->tables[0];
  EXPECT_TRUE(absl::StrContains(RenderMarkdown(*report, seg), "| A\\|B & C_1, \"x\" | 1 |"));
  EXPECT_TRUE(absl::StrContains(RenderLatex(*report, seg), "A|B \\& C\\_1, \"x\" & 1 &"));
  EXPECT_TRUE(absl::StrContains(RenderCsv(*report, seg), "\n\"A|B & C_1, \"\"x\"\"\",1,0,0,20,0.5,"));
  EXPECT_TRUE(absl::StrContains(RenderJson(*report), "\"label\": \"A|B & C_1, \\\"x\\\"\""));
  // One row alone is not bold, and one seed has no std.
  EXPECT_FALSE(seg.rows[0].cells[0].bold);
  EXPECT_TRUE(absl::StrContains(RenderMarkdown(*report, seg), "| 0.5000 | 0.4000 | 3.00 |"));
}

// Cross-validation: a row's trials on two folds (different splits), each fold's test images its
// own. The row pools them: n counts trials, the paired test sees every image once.
TEST(TablesFoldsTest, FoldsPoolIntoOneRowAndTheNotesSaySo) {
  std::vector<Result> results;
  for (int fold = 0; fold < 2; ++fold) {
    for (const char* label : {"QuickNAT", "QuickFCN"}) {
      Result r = Trial(label, label[5] == 'F' ? "quickfcn" : "quicknat", 0);
      r.set_trial_id(absl::StrCat(label, fold));
      r.mutable_experiment()->mutable_data()->mutable_split()->mutable_kfold()->set_fold(fold);
      Segmentation(0.5 + 0.1 * fold, 0.4, NAN, &r);
      r.mutable_test()->clear_image_id();
      for (int i = 0; i < 3; ++i) {
        r.mutable_test()->add_image_id(absl::StrCat("p", fold, "/", i));
        r.mutable_test()->add_image_patient(absl::StrCat("p", fold));
        r.mutable_test()->add_image_dice(0.5 + 0.1 * fold + (label[5] == 'F' ? 0.01 * (i + 1) : 0));
      }
      results.push_back(r);
    }
  }
  absl::StatusOr<Report> report = BuildReport(results);
  ASSERT_TRUE(report.ok()) << report.status();
  const Table& seg = Find(*report, "segmentation");
  EXPECT_TRUE(absl::StrContains(seg.note, "mean ± std over folds and seeds")) << seg.note;
  const Row* fcn = FindRow(seg, "QuickFCN");
  ASSERT_NE(fcn, nullptr);
  EXPECT_EQ(fcn->seeds.size(), 2u) << "n counts the row's trials";
  EXPECT_NEAR(fcn->cells[0].mean, 0.55, 1e-12);
  EXPECT_EQ(fcn->paired_images, 6) << "3 test images of each fold";
  EXPECT_NEAR(fcn->difference, 0.02, 1e-12);  // Mean of 0.01, 0.02, 0.03 twice.
  EXPECT_EQ(fcn->paired_patients, 2);
  EXPECT_TRUE(absl::StrContains(RenderMarkdown(*report, seg), "| 6 | +0.0200")) << "images";
}

}  // namespace
}  // namespace nerve_mtl::reports
