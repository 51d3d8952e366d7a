#include "study/runner.h"

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
#include "study/grid.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Two tiny rows: one trains, one overflows to a non-finite loss.
constexpr char kStudy[] = R"pb(
  name: "runner"
  base {
    data {
      phantom { patients: 4 images_per_patient: 4 }
      height: 32
      width: 32
    }
    model { name: "quicknat" filters: 4 kernel_size: 3 depth: 2 }
    training { epochs: 1 batch_size: 4 }
  }
  axis {
    name: "variant"
    value {
      label: "good"
      set { data { normalization { mode: NORMALIZATION_UNIT_RANGE } } }
    }
    value {
      label: "overflow"
      set { data { normalization { mode: NORMALIZATION_FIXED std: 1e-37 } } }
    }
  }
  seed: 0
  seed: 1
)pb";

Study Parse() {
  Study study;
  absl::Status s = ParseTextProto(kStudy, "kStudy", &study);
  EXPECT_TRUE(s.ok()) << s;
  return study;
}

RunOptions Options(const std::string& dir, std::ostream* log) {
  RunOptions options;
  options.results_dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + dir;
  options.log = log;
  options.tensorboard = false;
  return options;
}

TEST(RunnerTest, FailedTrialsAreRecordedAndTheGridGoesOnThenRerunsSkip) {
  std::ostringstream log;
  absl::StatusOr<RunSummary> first = RunStudy(Parse(), Options("all", &log));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->trials, 4);
  EXPECT_EQ(first->trained, 4);
  EXPECT_EQ(first->failed, 2);
  EXPECT_THAT(log.str(), HasSubstr("[trial 4/4] overflow FAILED: epoch 1 step"));
  absl::StatusOr<std::vector<Result>> results =
      reports::ReadResults(Options("all", &log).results_dir);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  int failed = 0;
  for (const Result& r : *results) {
    if (r.status() == Result::FAILED) {
      ++failed;
      EXPECT_EQ(r.experiment().name(), "overflow");
      EXPECT_THAT(r.failure(), HasSubstr("loss is"));
    }
  }
  EXPECT_EQ(failed, 2);

  absl::StatusOr<RunSummary> again = RunStudy(Parse(), Options("all", &log));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->skipped, 4);
  EXPECT_EQ(again->trained, 0);
}

TEST(RunnerTest, ShardsMergeIntoTheWholeGrid) {
  std::ostringstream log;
  for (int i = 0; i < 2; ++i) {
    RunOptions options = Options("shard" + std::to_string(i), &log);
    options.shard_index = i;
    options.shard_count = 2;
    absl::StatusOr<RunSummary> summary = RunStudy(Parse(), options);
    ASSERT_TRUE(summary.ok()) << summary.status();
    EXPECT_EQ(summary->trials, 2);
  }
  const std::string tmp = std::getenv("TEST_TMPDIR");
  ASSERT_TRUE(MergeResults({tmp + "/shard0", tmp + "/shard1"}, tmp + "/merged").ok());
  absl::StatusOr<std::vector<Result>> merged = reports::ReadResults(tmp + "/merged");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->size(), 4u);
  // Merging again is a no-op; a shard that is not a results directory is named.
  EXPECT_TRUE(MergeResults({tmp + "/shard0"}, tmp + "/merged").ok());
  EXPECT_THAT(MergeResults({tmp + "/nothing"}, tmp + "/merged").message(),
              HasSubstr("/nothing/trials: not a results directory"));
}

// The strategies study's baselines: a trial with an OK result in another study's directory is
// copied byte for byte, not trained; a failed one there trains again.
TEST(RunnerTest, OkTrialsOfAnotherStudyAreReusedFailedOnesRetrain) {
  std::ostringstream log;
  ASSERT_TRUE(RunStudy(Parse(), Options("source", &log)).ok());
  RunOptions options = Options("reusing", &log);
  options.reuse_dirs = {Options("source", &log).results_dir};
  absl::StatusOr<RunSummary> summary = RunStudy(Parse(), options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->reused, 2);   // The two seeds of "good".
  EXPECT_EQ(summary->trained, 2);  // The two of "overflow", failed in the source too.
  EXPECT_THAT(log.str(), HasSubstr("reused from another study"));
  for (const auto& entry : fs::directory_iterator(options.reuse_dirs[0] + "/trials")) {
    const fs::path copy = fs::path(options.results_dir) / "trials" / entry.path().filename();
    std::ifstream a(entry.path() / "result.textproto"), b(copy / "result.textproto");
    std::stringstream text_a, text_b;
    text_a << a.rdbuf();
    text_b << b.rdbuf();
    if (text_a.str().find("status: OK") == std::string::npos) continue;  // Retrained.
    EXPECT_EQ(text_a.str(), text_b.str()) << copy;
    EXPECT_TRUE(fs::exists(copy / "best_model.pt")) << "the weights come along";
  }
}

// --jobs with stand-in children that never train: a child that crashes without a result is a
// failed trial, recorded as an in-process failure is, and the grid goes on; one killed from
// outside stops the run without a result, so that a rerun resumes it. The real children (the
// study binary) are tested end to end by jobs_test.sh.
RunOptions WithChildren(const std::string& dir, std::ostream* log, const std::string& script) {
  RunOptions options = Options(dir, log);
  options.jobs = 2;
  options.child_command = [script](const std::string& spec) {
    return std::vector<std::string>{"/bin/sh", "-c", script, "child", spec};
  };
  return options;
}

TEST(RunnerTest, AChildThatCrashesIsAFailedTrialAndTheGridGoesOn) {
  std::ostringstream log;
  const RunOptions options = WithChildren("crash", &log, "echo dying >&2; kill -SEGV $$");
  absl::StatusOr<RunSummary> summary = RunStudy(Parse(), options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->trained, 4);
  EXPECT_EQ(summary->failed, 4);
  EXPECT_THAT(log.str(), HasSubstr("started, 2 running"));
  EXPECT_THAT(log.str(), HasSubstr("done 4, skipped 0, failed 4, running 0"));
  absl::StatusOr<std::vector<Result>> results = reports::ReadResults(options.results_dir);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  for (const Result& r : *results) {
    EXPECT_EQ(r.status(), Result::FAILED);
    EXPECT_EQ(r.failure(),
              "its process killed by signal 11 (Segmentation fault) without a result: dying");
    EXPECT_FALSE(r.experiment().name().empty());
    EXPECT_TRUE(fs::exists(options.results_dir + "/jobs/" + r.trial_id() + ".textproto"));
  }
}

TEST(RunnerTest, AChildKilledFromOutsideStopsTheRunAndLeavesItsTrialToResume) {
  std::ostringstream log;
  const RunOptions options = WithChildren("killed", &log, "kill -TERM $$");
  absl::StatusOr<RunSummary> summary = RunStudy(Parse(), options);
  ASSERT_EQ(summary.status().code(), absl::StatusCode::kCancelled) << summary.status();
  EXPECT_THAT(summary.status().message(), HasSubstr("rerun to resume"));
  EXPECT_FALSE(fs::exists(options.results_dir + "/trials/" + ExpandStudy(Parse())->at(0).id +
                          "/result.textproto"));
}

TEST(RunnerTest, JobsNeedAChildCommand) {
  std::ostringstream log;
  RunOptions options = Options("no_command", &log);
  options.jobs = 2;
  EXPECT_EQ(RunStudy(Parse(), options).status().code(), absl::StatusCode::kInvalidArgument);
}

void WriteResultFile(const std::string& dir, const std::string& trial, const std::string& text) {
  fs::create_directories(dir + "/trials/" + trial);
  std::ofstream(dir + "/trials/" + trial + "/result.textproto") << text;
}

TEST(RunnerTest, AMergeConflictWritesNothing) {
  const std::string tmp = std::string(std::getenv("TEST_TMPDIR")) + "/conflict";
  // Trial "a" only in the first shard; trial "b" in both, with different results.
  WriteResultFile(tmp + "/s0", "a", "status: OK");
  WriteResultFile(tmp + "/s0", "b", "status: OK");
  WriteResultFile(tmp + "/s1", "b", "status: FAILED");
  const absl::Status status = MergeResults({tmp + "/s0", tmp + "/s1"}, tmp + "/into");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("for the same trial"));
  EXPECT_FALSE(fs::exists(tmp + "/into")) << "trial a was copied before the conflict was found";
}

}  // namespace
}  // namespace nerve_mtl::study
