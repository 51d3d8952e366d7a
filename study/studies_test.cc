// Every study spec in the repository parses strictly, expands into valid trials and says the
// command that runs it and how long it takes. The studies of downloaded sets (BUSI, Kaggle) read
// stand-ins in their layouts (downloaded_sets_fixture.h).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "study/downloaded_sets_fixture.h"
#include "study/grid.h"
#include "study/preflight.h"
#include "study/study.pb.h"
#include "study/thresholds.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// The stand-ins where the studies of downloaded sets look for them ("//datasets/...", under
// BUILD_WORKSPACE_DIRECTORY as in `bazel run`).
class StudiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string workspace = (fs::path(::testing::TempDir()) / "workspace").string();
    fs::remove_all(workspace);
    absl::Status written = WriteDownloadedSets(workspace);
    ASSERT_TRUE(written.ok()) << written;
    ASSERT_EQ(setenv("BUILD_WORKSPACE_DIRECTORY", workspace.c_str(), 1), 0);
  }
};

TEST_F(StudiesTest, EverySpecParsesAndExpands) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator("study/studies")) {
    if (entry.path().extension() != ".textproto") continue;
    ++files;
    const std::string path = entry.path().string();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    Study study;
    absl::Status parsed = ParseTextProto(text.str(), path, &study);
    ASSERT_TRUE(parsed.ok()) << parsed;
    // Every check the study binary makes before training: components, data, budgets,
    // thresholds above the trivial baselines.
    absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
    ASSERT_TRUE(plan.ok()) << path << ": " << plan.status();
    EXPECT_FALSE(plan->trials.empty()) << path;
    EXPECT_THAT(text.str(), HasSubstr("#   bazel run //study:")) << path << " must say how to run it";
    EXPECT_THAT(text.str(), HasSubstr("on a 2-core machine")) << path << " must say how long";
  }
  EXPECT_GE(files, 8);
}

StudyPlan Prepare(const std::string& path, Study* study) {
  absl::Status s = ReadTextProtoFile(path, study);
  EXPECT_TRUE(s.ok()) << s;
  absl::StatusOr<StudyPlan> plan = PrepareStudy(*study);
  EXPECT_TRUE(plan.ok()) << path << ": " << plan.status();
  return plan.ok() ? *plan : StudyPlan();
}

// Both studies hold every row to a bound on each of its tasks' test metrics.
TEST_F(StudiesTest, SmokeAndDefaultHaveAThresholdForEveryRowAndTask) {
  for (const char* path : {"study/studies/smoke.textproto", "study/studies/default.textproto"}) {
    Study study;
    const StudyPlan plan = Prepare(path, &study);
    ASSERT_FALSE(plan.rows.empty()) << path;
    for (const RowFacts& row : plan.rows) {
      for (const auto& [task, metric] :
           {std::pair{row.segments, "test.dice"}, std::pair{row.classifies, "test.accuracy"}}) {
        if (!task) continue;
        bool covered = false;
        for (const Threshold& t : study.threshold()) {
          covered |= (t.trial() == "*" || t.trial() == row.label) && t.metric() == metric;
        }
        EXPECT_TRUE(covered) << path << ": no " << metric << " threshold for '" << row.label << "'";
      }
    }
  }
}

// A broken model (one class for every image, empty or all-foreground masks) fails the same
// check the regression test makes, on every row of both studies.
TEST_F(StudiesTest, ThresholdsCatchModelsThatIgnoreTheirInput) {
  for (const char* path : {"study/studies/smoke.textproto", "study/studies/default.textproto"}) {
    Study study;
    const StudyPlan plan = Prepare(path, &study);
    int broken = 0;
    for (const RowFacts& row : plan.rows) {
      // Other rows' thresholds, and "*" ones on a task this row lacks, would find no results.
      Study thresholds_of_row = study;
      thresholds_of_row.clear_threshold();
      for (const Threshold& t : study.threshold()) {
        const bool task = t.metric() == "test.dice" ? row.segments : row.classifies;
        if ((t.trial() == "*" && task) || t.trial() == row.label) {
          *thresholds_of_row.add_threshold() = t;
        }
      }
      for (const Baseline& b : row.baselines) {
        ++broken;
        absl::StatusOr<std::vector<std::string>> violations =
            CheckThresholds(thresholds_of_row, b.results);
        ASSERT_TRUE(violations.ok()) << violations.status();
        EXPECT_FALSE(violations->empty())
            << path << ": '" << row.label << "' " << b.description << " passes every threshold";
        for (const std::string& v : *violations) EXPECT_THAT(v, HasSubstr(row.label));
      }
    }
    EXPECT_GT(broken, 0) << path;
  }
}

// //study:strategies copies the default study's trials of the rows they share instead of
// training them: that holds only while both studies expand those rows to the same trial ids
// (same base, folds and seeds), and every default trial of such a row is one of them.
TEST_F(StudiesTest, TheStrategiesStudySharesTheDefaultStudysTrials) {
  Study default_study, strategies;
  const StudyPlan a = Prepare("study/studies/default.textproto", &default_study);
  const StudyPlan b = Prepare("study/studies/strategies.textproto", &strategies);
  std::map<std::string, std::set<std::string>> ids_a, ids_b;
  for (const Trial& t : a.trials) ids_a[t.label].insert(t.id);
  for (const Trial& t : b.trials) ids_b[t.label].insert(t.id);
  int shared = 0;
  for (const auto& [label, ids] : ids_b) {
    if (ids_a.count(label) == 0) continue;
    EXPECT_EQ(ids, ids_a[label]) << label;
    ++shared;
  }
  EXPECT_GE(shared, 3) << "QuickNAT, ResNet-18 and QuickFCN / linear at least";
  EXPECT_EQ(ids_b["QuickNAT"].size(), 8u) << "4 folds x 2 seeds";
}

// The committed tables are built from trials filed under these ids (reports/results/ and
// reports/strategies/): a spec field that resolving now fills in (a new option message outside
// a oneof, study/spec.h) would give every trial a new id, and //study:all would retrain all 80
// instead of reusing them.
TEST_F(StudiesTest, TrialIdsAreThoseOfTheCommittedTables) {
  struct Committed {
    const char* path;
    size_t trials;
    const char* first;  // QuickNAT, fold 0, seed 0.
    const char* last;   // The last row, fold 3, seed 1.
  };
  for (const Committed& c : {
           Committed{"study/studies/default.textproto", 80, "946522cb6ea3b3df",
                     "5a19fa3c64caa447"},  // SoftQuickFCN / original.
           Committed{"study/studies/strategies.textproto", 120, "946522cb6ea3b3df",
                     "548377dadce7b976"},  // QuickFCN / RLW.
       }) {
    Study study;
    const StudyPlan plan = Prepare(c.path, &study);
    ASSERT_EQ(plan.trials.size(), c.trials) << c.path;
    EXPECT_EQ(plan.trials.front().id, c.first) << c.path;
    EXPECT_EQ(plan.trials.back().id, c.last) << c.path;
  }
}

// A downloaded set's CPU configuration is the start of its GPU study at a smaller scale: the same
// folder, the same first rows (so its tables read as a preview of the full ones), and the tasks
// of the set (BUSI's three classes, Kaggle's absent and present).
TEST_F(StudiesTest, EachDownloadedSetHasACpuConfigurationOfItsStudy) {
  for (const std::string name : {"busi", "kaggle"}) {
    Study gpu, cpu;
    const StudyPlan full = Prepare("study/studies/" + name + ".textproto", &gpu);
    const StudyPlan small = Prepare("study/studies/" + name + "_cpu.textproto", &cpu);
    ASSERT_FALSE(small.rows.empty()) << name;
    ASSERT_LT(small.rows.size(), full.rows.size()) << name;
    for (size_t i = 0; i < small.rows.size(); ++i) {
      EXPECT_EQ(small.rows[i].label, full.rows[i].label) << name;
    }
    EXPECT_EQ(cpu.base().data().source_case(), gpu.base().data().source_case()) << name;
    const std::string folder = name == "busi" ? cpu.base().data().busi().directory()
                                              : cpu.base().data().kaggle().directory();
    EXPECT_EQ(folder, name == "busi" ? gpu.base().data().busi().directory()
                                     : gpu.base().data().kaggle().directory());
    EXPECT_EQ(folder, absl::StrCat("//", name == "busi" ? kBusiFolder : kKaggleFolder));
    // QuickFCN segments and classifies.
    EXPECT_TRUE(small.rows[2].segments && small.rows[2].classifies) << name;
    EXPECT_LE(small.rows[2].height * small.rows[2].width, 64 * 64) << name;
  }
}

}  // namespace
}  // namespace nerve_mtl::study
