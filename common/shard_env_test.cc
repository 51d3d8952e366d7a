#include "common/shard_env.h"

#include <map>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Shard> With(const std::map<std::string, std::string>& env, int count = 0) {
  return ShardFromEnvironment(
      [&](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
      },
      count);
}

// `sbatch --array=1-4` as Slurm sets it in its third task.
TEST(ShardEnvTest, SlurmArraysStartingAtOneGiveShardsFromZero) {
  auto shard = With({{"SLURM_ARRAY_TASK_ID", "3"},
                     {"SLURM_ARRAY_TASK_MIN", "1"},
                     {"SLURM_ARRAY_TASK_MAX", "4"},
                     {"SLURM_ARRAY_TASK_COUNT", "4"}});
  ASSERT_TRUE(shard.ok()) << shard.status();
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 4);
  EXPECT_EQ(shard->source, "slurm");
}

// `--array=0-10:2` has 6 tasks over 0..10, `--array=1,5,7` 3 tasks over 1..7: gaps.
TEST(ShardEnvTest, SlurmArraysWithGapsAreRefused) {
  auto stepped = With({{"SLURM_ARRAY_TASK_ID", "4"},
                       {"SLURM_ARRAY_TASK_MIN", "0"},
                       {"SLURM_ARRAY_TASK_MAX", "10"},
                       {"SLURM_ARRAY_TASK_COUNT", "6"}});
  EXPECT_THAT(stepped.status().message(), HasSubstr("not contiguous"));
  EXPECT_THAT(stepped.status().message(), HasSubstr("--array=0-5"));
  auto listed = With({{"SLURM_ARRAY_TASK_ID", "5"},
                      {"SLURM_ARRAY_TASK_MIN", "1"},
                      {"SLURM_ARRAY_TASK_MAX", "7"},
                      {"SLURM_ARRAY_TASK_COUNT", "3"}});
  EXPECT_FALSE(listed.ok());
  auto missing = With({{"SLURM_ARRAY_TASK_ID", "5"}});
  EXPECT_THAT(missing.status().message(), HasSubstr("SLURM_ARRAY_TASK_MIN is not set"));
}

TEST(ShardEnvTest, IndexedJobsNeedTheCountFromTheCaller) {
  auto flag = With({{"JOB_COMPLETION_INDEX", "2"}}, 3);
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_EQ(flag->index, 2);
  EXPECT_EQ(flag->count, 3);
  EXPECT_EQ(flag->source, "kubernetes");
  auto env = With({{"JOB_COMPLETION_INDEX", "0"}, {"NERVE_MTL_SHARD_COUNT", "5"}});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->count, 5);
  EXPECT_THAT(With({{"JOB_COMPLETION_INDEX", "0"}}).status().message(),
              HasSubstr("NERVE_MTL_SHARD_COUNT"));
  EXPECT_THAT(With({{"JOB_COMPLETION_INDEX", "3"}}, 3).status().message(),
              HasSubstr("does not fit a shard count of 3"));
}

TEST(ShardEnvTest, NeitherOrDisagreeingEnginesAreRefused) {
  EXPECT_THAT(With({}).status().message(), HasSubstr("neither SLURM_ARRAY_TASK_ID"));
  auto both = With({{"SLURM_ARRAY_TASK_ID", "1"},
                    {"SLURM_ARRAY_TASK_MIN", "0"},
                    {"SLURM_ARRAY_TASK_MAX", "1"},
                    {"SLURM_ARRAY_TASK_COUNT", "2"},
                    {"JOB_COMPLETION_INDEX", "0"}},
                   2);
  EXPECT_THAT(both.status().message(), HasSubstr("Slurm says shard 1/2, Kubernetes 0/2"));
  EXPECT_THAT(With({{"JOB_COMPLETION_INDEX", "x"}}, 2).status().message(),
              HasSubstr("JOB_COMPLETION_INDEX='x' is not a non-negative integer"));
}

}  // namespace
}  // namespace nerve_mtl
