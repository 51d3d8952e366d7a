#include "common/cli.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

TEST(CliTest, RelativePathsFollowTheUsersDirectory) {
  unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(ResolveUserPath("out"), "out");
  setenv("BUILD_WORKING_DIRECTORY", "/home/me/work", 1);
  EXPECT_EQ(ResolveUserPath("out/x"), "/home/me/work/out/x");
  EXPECT_EQ(ResolveUserPath("/abs"), "/abs");
  EXPECT_EQ(ResolveUserPath(""), "");
  setenv("BUILD_WORKSPACE_DIRECTORY", "/src/nerve-mtl", 1);
  EXPECT_EQ(ResolveUserPath("//reports/results"), "/src/nerve-mtl/reports/results");
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
  EXPECT_EQ(ResolveUserPath("//reports/results"), "reports/results");
}

TEST(CliTest, InputsPreferTheUsersDirectoryWhenTheFileIsThere) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  setenv("BUILD_WORKING_DIRECTORY", tmp.c_str(), 1);
  std::ofstream(tmp + "/spec.textproto") << "";
  EXPECT_EQ(ResolveInputPath("spec.textproto"), tmp + "/spec.textproto");
  EXPECT_EQ(ResolveInputPath("study/default.textproto"), "study/default.textproto");
}

TEST(CliTest, ExitCodes) {
  EXPECT_EQ(ExitCode(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCode(absl::InvalidArgumentError("x")), 2);
  EXPECT_EQ(ExitCode(absl::NotFoundError("x")), 2);
  EXPECT_EQ(ExitCode(absl::DataLossError("truncated TIFF")), 2);
  EXPECT_EQ(ExitCode(absl::InternalError("x")), 3);
}

}  // namespace
}  // namespace nerve_mtl
