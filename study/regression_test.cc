// CI regression: runs the smoke study and holds it to the thresholds in its spec. Also proves
// the check can fail, and that two runs of one study give byte-identical tables.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reports/results_io.h"
#include "reports/writer.h"
#include "study/overlays.h"
#include "study/runner.h"
#include "study/study.pb.h"
#include "study/thresholds.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Study Smoke() {
  Study study;
  absl::Status s = ReadTextProtoFile("study/studies/smoke.textproto", &study);
  EXPECT_TRUE(s.ok()) << s;
  return study;
}

// Runs the smoke study into `dir` (once per directory) and returns its results.
std::vector<Result> RunSmoke(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ostringstream log;
  RunOptions options;
  options.results_dir = dir;
  options.log = &log;
  options.tensorboard = false;
  absl::StatusOr<RunSummary> summary = RunStudy(Smoke(), options);
  EXPECT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->failed, 0) << log.str();
  absl::StatusOr<std::vector<Result>> results = reports::ReadResults(dir);
  EXPECT_TRUE(results.ok()) << results.status();
  return *results;
}

const std::vector<Result>& SmokeResults() {
  static const auto* results = new std::vector<Result>(RunSmoke("smoke"));
  return *results;
}

TEST(RegressionTest, SmokeStudyMeetsItsThresholds) {
  absl::StatusOr<std::vector<std::string>> violations = CheckThresholds(Smoke(), SmokeResults());
  ASSERT_TRUE(violations.ok()) << violations.status();
  EXPECT_THAT(*violations, IsEmpty());
}

TEST(RegressionTest, AThresholdAboveTheAchievedValueFails) {
  Study study = Smoke();
  // The first bound on one row's Dice, raised just above what that row reached.
  int t = 0;
  while (t < study.threshold_size() &&
         (study.threshold(t).trial() == "*" || study.threshold(t).metric() != "test.dice")) {
    ++t;
  }
  ASSERT_LT(t, study.threshold_size());
  double achieved = 0.0;
  for (const Result& r : SmokeResults()) {
    if (r.experiment().name() == study.threshold(t).trial()) achieved = r.test().dice();
  }
  study.mutable_threshold(t)->set_min(achieved + 0.01);
  absl::StatusOr<std::vector<std::string>> violations = CheckThresholds(study, SmokeResults());
  ASSERT_TRUE(violations.ok()) << violations.status();
  ASSERT_EQ(violations->size(), 1u);
  EXPECT_THAT((*violations)[0], HasSubstr(study.threshold(t).trial() + ": test.dice = "));
  EXPECT_THAT((*violations)[0], HasSubstr("is below its bound"));
}

TEST(RegressionTest, OverlaysShowImagesHardAndSoftSharingClassifyDifferently) {
  const std::vector<Result>& results = SmokeResults();
  const Result* hard = nullptr;
  const Result* soft = nullptr;
  for (const Result& r : results) {
    if (r.experiment().model().name() == "quickfcn") hard = &r;
    if (r.experiment().model().name() == "softquickfcn") soft = &r;
  }
  ASSERT_TRUE(hard != nullptr && soft != nullptr);
  int differ = 0;
  for (int i = 0; i < hard->test().image_predicted_label_size(); ++i) {
    differ += hard->test().image_predicted_label(i) != soft->test().image_predicted_label(i);
  }
  const std::string tmp = std::getenv("TEST_TMPDIR");
  absl::StatusOr<int> written =
      WriteDisagreementOverlays(tmp + "/smoke", results, tmp + "/overlays", 3);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, std::min(differ, 3));
  if (differ > 0) {
    EXPECT_TRUE(fs::is_directory(tmp + "/overlays/QuickFCN___linear_vs_SoftQuickFCN___linear"));
  }
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RegressionTest, TwoRunsGiveByteIdenticalTables) {
  SmokeResults();
  RunSmoke("again");
  const std::string tmp = std::getenv("TEST_TMPDIR");
  for (const char* name : {"smoke", "again"}) {
    reports::ReportJob job;
    job.results = tmp + "/" + name;
    job.plots = false;
    absl::StatusOr<bool> written = reports::RunReportJob(job);
    ASSERT_TRUE(written.ok()) << written.status();
  }
  // Every table but the cost table, whose times change from run to run.
  for (const char* table : {"segmentation", "classification", "misclassification"}) {
    for (const char* extension : {".md", ".tex", ".csv"}) {
      const std::string file = std::string(table) + extension;
      const std::string a = Read(fs::path(tmp) / "smoke/report" / file);
      EXPECT_FALSE(a.empty()) << file;
      EXPECT_EQ(a, Read(fs::path(tmp) / "again/report" / file)) << file;
    }
  }
}

}  // namespace
}  // namespace nerve_mtl::study
