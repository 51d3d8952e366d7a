#include "reports/check.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "reports/tables.h"
#include "reports/tables_json.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

Result Trial(const std::string& label, const std::string& model, int seed, double dice) {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id(absl::StrCat(label, "-", seed));
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->set_seed(seed);
  r.mutable_experiment()->mutable_model()->set_name(model);
  r.mutable_components()->set_segments(true);
  r.mutable_components()->set_classifies(model != "quicknat");
  r.mutable_test()->set_has_segmentation(true);
  r.mutable_test()->set_dice(dice);
  r.mutable_test()->set_iou(dice - 0.25);  // HD95 left unset: null in the JSON.
  for (int i = 0; i < 4; ++i) {
    r.mutable_test()->add_image_id(absl::StrCat("img", i));
    r.mutable_test()->add_image_dice(dice + 0.01 * i * (model == "quicknat" ? 1 : -1));
  }
  r.set_parameters(100);
  r.set_train_seconds(10 + seed);  // Timings are not checked.
  return r;
}

// Dyadic numbers, so that the means print exactly.
std::vector<Result> Results(double nat_offset) {
  std::vector<Result> results;
  for (int seed = 0; seed < 2; ++seed) {
    results.push_back(Trial("QuickNAT", "quicknat", seed, 0.75 + 0.125 * seed + nat_offset));
    results.push_back(Trial("QuickFCN", "quickfcn", seed, 0.5 + 0.125 * seed));
  }
  return results;
}

Report Build(const std::vector<Result>& results) {
  absl::StatusOr<Report> report = BuildReport(results);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *report : Report{};
}

TEST(CheckTest, IdenticalTablesPass) {
  const Report report = Build(Results(0));
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(report, RenderJson(report), "committed/report.json", 1e-6);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_TRUE(changes->empty()) << FormatChange(changes->front());
}

TEST(CheckTest, TimingsAndChangesWithinToleranceDoNotCount) {
  const std::string committed = RenderJson(Build(Results(0)));
  std::vector<Result> results = Results(1e-9);
  for (Result& r : results) r.set_train_seconds(r.train_seconds() * 3);
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(Build(results), committed, "committed/report.json", 1e-6);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_TRUE(changes->empty()) << FormatChange(changes->front());
}

TEST(CheckTest, ReportsAMovedMetric) {
  const std::string committed = RenderJson(Build(Results(0)));
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(Build(Results(0.0625)), committed, "committed/report.json", 1e-6);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<std::string> lines;
  for (const Change& c : *changes) lines.push_back(FormatChange(c));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "segmentation | QuickNAT | test_dice.mean: committed 0.8125, now 0.875",
                       "segmentation | QuickNAT | test_iou.mean: committed 0.5625, now 0.625",
                   }));
  EXPECT_DOUBLE_EQ(changes->front().committed, 0.8125);
}

TEST(CheckTest, NewAndVanishedRowsAreChanges) {
  std::vector<Result> results = Results(0);
  const std::string committed = RenderJson(Build(results));
  results.push_back(Trial("QuickFCN + csse", "quickfcn", 0, 0.75));
  std::vector<Result> fewer;
  for (const Result& r : results) {
    if (r.experiment().name() != "QuickFCN") fewer.push_back(r);
  }
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(Build(fewer), committed, "committed/report.json", 1e-6);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<std::string> lines;
  for (const Change& c : *changes) lines.push_back(FormatChange(c));
  EXPECT_EQ(lines,
            (std::vector<std::string>{
                "segmentation | QuickFCN + csse | row: in the current tables, not in the "
                "committed report",
                "segmentation | QuickFCN | row: in the committed report, not in the current tables",
                "cost | QuickFCN + csse | row: in the current tables, not in the committed report",
                "cost | QuickFCN | row: in the committed report, not in the current tables",
            }));
}

TEST(CheckTest, NullAgainstANumberIsAChange) {
  const Report report = Build(Results(0));
  // The committed file had an HD95 where there is none now.
  const std::string committed = absl::StrReplaceAll(
      RenderJson(report), {{"\"test_hd95\": {\"mean\": null", "\"test_hd95\": {\"mean\": 3.5"}});
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(report, committed, "committed/report.json", 1e-6);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ(FormatChange((*changes)[0]),
            "segmentation | QuickFCN | test_hd95.mean: committed 3.5, now none");
}

// Across platforms QuickNAT's Dice and IoU may move by as many committed seed standard
// deviations as allowed: seeds 0.75 and 0.875 have a standard deviation of 0.0884.
TEST(CheckTest, AcrossPlatformsAMeanMayMoveWithinTheSeedSpread) {
  const std::string committed = RenderJson(Build(Results(0)));
  const Report moved = Build(Results(0.0625));
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(moved, committed, "committed/report.json", 1e-6, 1.0);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_TRUE(changes->empty()) << FormatChange(changes->front());
  changes = CompareWithCommitted(moved, committed, "committed/report.json", 1e-6, 0.5);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<std::string> lines;
  for (const Change& c : *changes) lines.push_back(FormatChange(c));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "segmentation | QuickNAT | test_dice.mean: committed 0.8125, now 0.875",
                       "segmentation | QuickNAT | test_iou.mean: committed 0.5625, now 0.625",
                   }));
}

// A p-value is compared exactly on one platform and by its side of 0.05 across platforms.
TEST(CheckTest, AcrossPlatformsAPValueKeepsItsSideOfFivePercent) {
  const Report report = Build(Results(0));
  const std::string json = RenderJson(report);
  // The segmentation table's QuickFCN row; with 4 images its p-value is at least 0.125.
  const size_t key = json.find("\"p_value\": ", json.find("\"label\": \"QuickFCN\""));
  ASSERT_NE(key, std::string::npos) << json;
  const size_t end = json.find(',', key);
  auto with_p = [&](const std::string& p) {
    return absl::StrCat(json.substr(0, key), "\"p_value\": ", p, json.substr(end));
  };
  const std::string other_side = with_p("0.01");
  const std::string same_side = with_p("0.99");
  for (const auto& [committed, across, exact] :
       {std::make_tuple(other_side, 1u, 1u), std::make_tuple(same_side, 0u, 1u)}) {
    absl::StatusOr<std::vector<Change>> changes =
        CompareWithCommitted(report, committed, "committed/report.json", 1e-6, 1.0);
    ASSERT_TRUE(changes.ok()) << changes.status();
    EXPECT_EQ(changes->size(), across) << committed;
    changes = CompareWithCommitted(report, committed, "committed/report.json", 1e-6);
    ASSERT_TRUE(changes.ok()) << changes.status();
    EXPECT_EQ(changes->size(), exact) << committed;
    if (!changes->empty()) {
      EXPECT_EQ(changes->front().metric, "p_value");
    }
  }
}

TEST(CheckTest, PlatformChangeNamesTheLibTorchAndDeviceThatDiffer) {
  auto made_with = [](const std::string& libtorch, const std::string& device) {
    std::vector<Result> results = Results(0);
    for (Result& r : results) {
      r.mutable_environment()->set_libtorch_version(libtorch);
      r.mutable_environment()->set_device(device);
    }
    return Build(results);
  };
  const Report debian12 = made_with("1.13.0 (Debian 1.13.1+dfsg-4)", "cpu fp32 deterministic");
  const std::string committed = RenderJson(debian12);
  absl::StatusOr<std::string> change = PlatformChange(debian12, committed, "c/report.json");
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, "");
  change = PlatformChange(made_with("2.6.0 (Debian 2.6.0+dfsg-7)", "cpu fp32 deterministic"),
                          committed, "c/report.json");
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, "LibTorch 1.13.0 (Debian 1.13.1+dfsg-4) -> 2.6.0 (Debian 2.6.0+dfsg-7)");
  change = PlatformChange(made_with("1.13.0 (Debian 1.13.1+dfsg-4)", "cuda:0 bf16 channels-last"),
                          committed, "c/report.json");
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, "device cpu fp32 deterministic -> cuda:0 bf16 channels-last");
  EXPECT_FALSE(PlatformChange(debian12, "[]", "c/report.json").ok());
}

TEST(CheckTest, MalformedJsonNamesTheFile) {
  const Report report = Build(Results(0));
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(report, "{\n  \"tables\": [1,\n", "committed/report.json", 1e-6);
  ASSERT_FALSE(changes.ok());
  // protobuf's JSON parser says what is wrong, not where; the file is named, on one line.
  EXPECT_TRUE(absl::StartsWith(changes.status().message(), "committed/report.json: invalid JSON: "))
      << changes.status();
  EXPECT_FALSE(absl::StrContains(changes.status().message(), "\n")) << changes.status();
  changes = CompareWithCommitted(report, "{\"other\": 1}", "x.json", 1e-6);
  ASSERT_FALSE(changes.ok());
  EXPECT_TRUE(absl::StrContains(changes.status().message(), "x.json: not a nerve-mtl report"));
}

}  // namespace
}  // namespace nerve_mtl::reports
