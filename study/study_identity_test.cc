#include "study/study_identity.h"

#include <cstdlib>
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Trial> Grid() {
  std::vector<Trial> trials;
  for (const char* label : {"B", "A"}) {
    for (uint64_t seed : {0, 1}) {
      Trial t;
      t.id = std::string(label) + std::to_string(seed);
      t.label = label;
      t.seed = seed;
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

TEST(StudyIdentityTest, RecordsRoundTripUnderShards) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/roundtrip";
  const ShardRecord record = MakeShardRecord(Named("smoke"), Grid(), 1, 2, "pid 1 on h");
  EXPECT_EQ(record.state(), ShardRecord::RUNNING);
  EXPECT_EQ(record.study_hash(), StudyHash(Named("smoke")));
  ASSERT_TRUE(WriteShardRecord(dir, record).ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/shards/1-of-2.textproto"));
  auto records = ReadShardRecords(dir);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1);
  EXPECT_EQ((*records)[0].second.DebugString(), record.DebugString());
  EXPECT_TRUE(ReadShardRecords(dir + "/none")->empty());
}

TEST(StudyIdentityTest, RowsFollowTheGrid) {
  EXPECT_THAT(RowOrder(MakeShardRecord(Named("s"), Grid(), 0, 1, "")), ElementsAre("B", "A"));
}

TEST(StudyIdentityTest, TwoStudiesAreRefusedNamingBothRecords) {
  std::vector<std::pair<std::string, ShardRecord>> records = {
      {"a/shards/0-of-2.textproto", MakeShardRecord(Named("smoke"), Grid(), 0, 2, "")},
      {"b/shards/1-of-2.textproto", MakeShardRecord(Named("smoke"), Grid(), 1, 2, "")}};
  EXPECT_TRUE(CheckOneStudy(records).ok());
  Study other = Named("smoke");
  other.add_seed(7);  // The same name, another spec.
  records.push_back({"c/shards/0-of-2.textproto", MakeShardRecord(other, Grid(), 0, 2, "")});
  const absl::Status refused = CheckOneStudy(records);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("shards of different studies: a/shards/0-of-2"));
  EXPECT_THAT(refused.message(), HasSubstr("c/shards/0-of-2.textproto study 'smoke'"));
}

}  // namespace
}  // namespace nerve_mtl::study
