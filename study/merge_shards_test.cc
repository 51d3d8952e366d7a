#include "study/merge_shards.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "trial/result.pb.h"
#include "study/study_identity.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Tmp(const std::string& name) {
  return (fs::path(std::getenv("TEST_TMPDIR")) / name).string();
}

// Rows A and B over seeds 0 and 1: trials a0 a1 b0 b1 in grid order; shard i of 2 gets
// positions i and i + 2.
std::vector<Trial> Grid() {
  std::vector<Trial> trials;
  for (const char* label : {"A", "B"}) {
    for (uint64_t seed : {0, 1}) {
      Trial t;
      t.label = label;
      t.seed = seed;
      t.id = absl::AsciiStrToLower(label) + std::to_string(seed);
      trials.push_back(t);
    }
  }
  return trials;
}

Study Named(const std::string& name) {
  Study study;
  study.set_name(name);
  return study;
}

void WriteResultFile(const std::string& results, const std::string& id, bool failed) {
  Result result;
  result.set_trial_id(id);
  result.set_status(failed ? Result::FAILED : Result::OK);
  if (failed) result.set_failure("loss is not finite");
  std::string text;
  google::protobuf::TextFormat::PrintToString(result, &text);
  fs::create_directories(fs::path(results) / "trials" / id);
  std::ofstream(fs::path(results) / "trials" / id / "result.textproto") << text;
}

void Shard(const std::string& dir, const Study& study, int index, const std::string& task,
           bool finished, const std::vector<std::pair<std::string, bool>>& results) {
  ShardRecord record = MakeShardRecord(study, Grid(), index, 2, task);
  if (finished) record.set_state(ShardRecord::FINISHED);
  ASSERT_TRUE(WriteShardRecord(dir, record).ok());
  for (const auto& [id, failed] : results) WriteResultFile(dir, id, failed);
}

TEST(MergeShardsTest, CompleteShardsMergeInStudyOrder) {
  Shard(Tmp("ok/0"), Named("s"), 0, "Slurm job 5_0 on n", true, {{"a0", false}, {"b0", false}});
  Shard(Tmp("ok/1"), Named("s"), 1, "Slurm job 5_1 on n", true, {{"a1", false}, {"b1", false}});
  auto outcome = MergeShards({Tmp("ok/0"), Tmp("ok/1")}, Tmp("ok/merged"));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_THAT(outcome->order, ElementsAre("A", "B"));
  EXPECT_EQ(outcome->failed, 0);
  EXPECT_EQ(outcome->missing, 0);
  EXPECT_TRUE(outcome->problems.empty());
  EXPECT_TRUE(fs::exists(Tmp("ok/merged/trials/b1/result.textproto")));
  EXPECT_TRUE(fs::exists(Tmp("ok/merged/shards/1-of-2.textproto")));
  // The merged folder merges again, and into itself.
  auto again = MergeShards({Tmp("ok/merged")}, Tmp("ok/merged"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->missing, 0);
}

TEST(MergeShardsTest, ShardsOfTwoStudiesAreRefusedWritingNothing) {
  Study other = Named("s");
  other.add_seed(3);
  Shard(Tmp("two/0"), Named("s"), 0, "", true, {{"a0", false}, {"b0", false}});
  Shard(Tmp("two/1"), other, 1, "", true, {{"a1", false}, {"b1", false}});
  auto outcome = MergeShards({Tmp("two/0"), Tmp("two/1")}, Tmp("two/merged"));
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(outcome.status().message(), HasSubstr("shards of different studies"));
  EXPECT_FALSE(fs::exists(Tmp("two/merged")));
}

TEST(MergeShardsTest, FailedTrialsAndUnfinishedShardsAreNamed) {
  // One shared folder: shard 0 finished with a failed trial; shard 1 died after it started (its
  // record says RUNNING), having made one of its two trials.
  Shard(Tmp("bad/r"), Named("s"), 0, "Slurm job 5_0 on n", true, {{"a0", true}, {"b0", false}});
  Shard(Tmp("bad/r"), Named("s"), 1, "Slurm job 5_1 on n", false, {{"a1", false}});
  auto outcome = MergeShards({Tmp("bad/r")}, Tmp("bad/r"));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->failed, 1);
  EXPECT_EQ(outcome->missing, 1);
  EXPECT_THAT(outcome->problems,
              ElementsAre("trial 'A' (seed 0, trial a0) failed: loss is not finite",
                          "shard 1/2 (Slurm job 5_1 on n) did not finish: it crashed, was "
                          "cancelled or is still running; no result for 'B' (seed 1, trial b1)"));
}

TEST(MergeShardsTest, AShardWithoutARecordIsNamedByItsSlurmTask) {
  Shard(Tmp("gone/r"), Named("s"), 1, "Slurm job 9_4 on n", true, {{"a1", false}, {"b1", false}});
  auto outcome = MergeShards({Tmp("gone/r")}, Tmp("gone/r"));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->missing, 2);
  ASSERT_EQ(outcome->problems.size(), 1);
  EXPECT_THAT(outcome->problems[0],
              HasSubstr("shard 0/2 (Slurm job 9_3) left no record: its task never started"));
  EXPECT_THAT(outcome->problems[0], HasSubstr("'A' (seed 0, trial a0), 'B' (seed 0, trial b0)"));
}

TEST(MergeShardsTest, ShardsWithoutRecordsStillJoin) {
  WriteResultFile(Tmp("old/0"), "a0", false);
  auto outcome = MergeShards({Tmp("old/0")}, Tmp("old/merged"));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->order.empty());
  EXPECT_TRUE(fs::exists(Tmp("old/merged/trials/a0/result.textproto")));
  // Beside recorded shards an unrecorded one is refused: which study it ran is unknown.
  Shard(Tmp("old/1"), Named("s"), 1, "", true, {{"a1", false}, {"b1", false}});
  auto mixed = MergeShards({Tmp("old/1"), Tmp("old/0")}, Tmp("old/mixed"));
  EXPECT_THAT(mixed.status().message(), HasSubstr("holds no shards/ record"));
}

}  // namespace
}  // namespace nerve_mtl::study
