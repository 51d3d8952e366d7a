#include "study/shard_auto.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

GetEnv Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const std::map<std::string, std::string> kSlurmTask1 = {
    {"SLURM_ARRAY_JOB_ID", "41"},     {"SLURM_ARRAY_TASK_ID", "1"},
    {"SLURM_ARRAY_TASK_MIN", "0"},    {"SLURM_ARRAY_TASK_MAX", "1"},
    {"SLURM_ARRAY_TASK_COUNT", "2"},  {"SLURMD_NODENAME", "node7"}};

TEST(ShardAutoTest, FixedShardsAsTyped) {
  auto shard = ResolveShard("2/3", 0, Env({}));
  ASSERT_TRUE(shard.ok()) << shard.status();
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 3);
  EXPECT_THAT(ResolveShard("3/3", 0, Env({})).status().message(), HasSubstr("or auto"));
  EXPECT_THAT(ResolveShard("0/2", 2, Env({})).status().message(),
              HasSubstr("--shard_count goes with --shard=auto"));
}

TEST(ShardAutoTest, AutoReadsTheClusterEngine) {
  auto slurm = ResolveShard("auto", 0, Env(kSlurmTask1));
  ASSERT_TRUE(slurm.ok()) << slurm.status();
  EXPECT_EQ(slurm->index, 1);
  EXPECT_EQ(slurm->count, 2);
  auto pod = ResolveShard("auto", 4, Env({{"JOB_COMPLETION_INDEX", "3"}}));
  ASSERT_TRUE(pod.ok()) << pod.status();
  EXPECT_EQ(pod->index, 3);
  EXPECT_EQ(pod->count, 4);
}

TEST(ShardAutoTest, AutoWithoutAnEngineOrWithGapsIsBadInput) {
  const absl::Status none = ResolveShard("auto", 0, Env({})).status();
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(none.message(), HasSubstr("--shard=auto: neither SLURM_ARRAY_TASK_ID"));
  std::map<std::string, std::string> stepped = kSlurmTask1;
  stepped["SLURM_ARRAY_TASK_MAX"] = "2";  // --array=0,2
  EXPECT_THAT(ResolveShard("auto", 0, Env(stepped)).status().message(),
              HasSubstr("not contiguous"));
  EXPECT_EQ(ResolveShard("auto", -1, Env(kSlurmTask1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ShardAutoTest, TasksAreNamedAsTheirEngineNamesThem) {
  EXPECT_EQ(TaskName(Env(kSlurmTask1)), "Slurm job 41_1 on node7");
  EXPECT_EQ(TaskName(Env({{"JOB_COMPLETION_INDEX", "2"}, {"HOSTNAME", "study-2-x"}})),
            "Kubernetes index 2 on study-2-x");
  EXPECT_THAT(TaskName(Env({{"HOSTNAME", "h"}})), StartsWith("pid "));
}

}  // namespace
}  // namespace nerve_mtl::study
