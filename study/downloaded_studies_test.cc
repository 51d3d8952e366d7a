// //study:busi_cpu and //study:kaggle_cpu end to end on stand-ins of their data sets: with the
// folder where the README says to unpack it, `--dry_run` loads, groups and splits it, checks every
// row and lists the trials (exit 0); a broken folder exits 2 with one line naming the file
// (README, "Exit status"). The binaries run as `bazel run` starts them, with
// BUILD_WORKSPACE_DIRECTORY set to the folder holding datasets/.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "study/downloaded_sets_fixture.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The study binary `name` with its BUILD args, in `workspace`, as a dry run.
Outcome DryRun(const std::string& name, const fs::path& workspace) {
  const fs::path out = workspace / (name + ".out");
  const fs::path err = workspace / (name + ".err");
  const std::string command = absl::StrCat(
      "BUILD_WORKSPACE_DIRECTORY='", workspace.string(), "' study/", name,
      " --study=study/studies/", name, ".textproto --results=//results/", name,
      " --dry_run >'", out.string(), "' 2>'", err.string(), "'");
  const int status = std::system(command.c_str());
  Outcome run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = Slurp(out);
  run.err = Slurp(err);
  return run;
}

fs::path Workspace(const std::string& name) {
  const fs::path workspace = fs::path(::testing::TempDir()) / name;
  fs::remove_all(workspace);
  EXPECT_TRUE(WriteDownloadedSets(workspace.string()).ok());
  return workspace;
}

TEST(DownloadedStudiesTest, BusiCpuDryRunsOnABusiFolder) {
  const fs::path workspace = Workspace("busi");
  Outcome run = DryRun("busi_cpu", workspace);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // 4 rows x 5 folds x 1 seed.
  EXPECT_THAT(run.out, HasSubstr("20 trials: 0 done, 0 failed, 20 to do")) << run.out;
  EXPECT_THAT(run.out, HasSubstr("QuickFCN / uncertainty"));
  EXPECT_FALSE(fs::exists(workspace / "results")) << "a dry run writes nothing";

  const fs::path image = workspace / kBusiFolder / "normal" / "normal (3).png";
  fs::remove(workspace / kBusiFolder / "normal" / "normal (3)_mask.png");
  run = DryRun("busi_cpu", workspace);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr(image.string() + ": image without its mask"));
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  EXPECT_FALSE(fs::exists(workspace / "results"));
}

TEST(DownloadedStudiesTest, KaggleCpuDryRunsOnAKaggleFolder) {
  const fs::path workspace = Workspace("kaggle");
  Outcome run = DryRun("kaggle_cpu", workspace);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // 4 rows, one holdout split, 1 seed.
  EXPECT_THAT(run.out, HasSubstr("4 trials: 0 done, 0 failed, 4 to do")) << run.out;
  EXPECT_FALSE(fs::exists(workspace / "results"));

  // A truncated TIFF.
  const fs::path image = workspace / kKaggleFolder / "3_1.tif";
  fs::resize_file(image, 16);
  run = DryRun("kaggle_cpu", workspace);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr(image.string())) << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "one line: " << run.err;
  EXPECT_FALSE(fs::exists(workspace / "results"));
}

TEST(DownloadedStudiesTest, WithoutTheDataTheStudyNamesTheFolderToUnpack) {
  const fs::path workspace = fs::path(::testing::TempDir()) / "empty";
  fs::create_directories(workspace);
  const Outcome run = DryRun("kaggle_cpu", workspace);
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr((workspace / kKaggleFolder).string())) << run.err;
}

}  // namespace
}  // namespace nerve_mtl::study
