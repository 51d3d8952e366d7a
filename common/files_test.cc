#include "common/files.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Tmp(const std::string& name) {
  return (fs::path(std::getenv("TEST_TMPDIR")) / name).string();
}

// Nothing but `names` in `dir`: no temporary sibling left behind.
void ExpectOnly(const std::string& dir, const std::set<std::string>& names) {
  std::set<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) found.insert(entry.path().filename());
  EXPECT_EQ(found, names) << dir;
}

TEST(FilesTest, WritesAtomicallyAndReadsBack) {
  fs::create_directories(Tmp("a"));
  const std::string path = Tmp("a/a.txt");
  ASSERT_TRUE(WriteFileAtomically(path, "first\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, std::string("x\0y", 3)).ok());
  EXPECT_EQ(*ReadFile(path), std::string("x\0y", 3));
  ExpectOnly(Tmp("a"), {"a.txt"});
}

TEST(FilesTest, ErrorsNameTheFile) {
  EXPECT_THAT(ReadFile("/nonexistent/b.txt").status().message(),
              HasSubstr("/nonexistent/b.txt: cannot open file"));
  EXPECT_THAT(WriteFileAtomically("/nonexistent/c.txt", "x").message(),
              HasSubstr("/nonexistent/c.txt: write failed"));
}

TEST(FilesTest, PrivateSiblingsAreHiddenAndPerCall) {
  const std::string sibling = PrivateSibling("/x/pretrained/branch");
  EXPECT_THAT(sibling, StartsWith("/x/pretrained/.branch.tmp-"));
  EXPECT_THAT(sibling, HasSubstr(std::to_string(getpid())));
  EXPECT_NE(PrivateSibling("/x/pretrained/branch"), sibling);
  EXPECT_THAT(PrivateSibling("/x/report/"), StartsWith("/x/.report.tmp-"));
}

// An encoder that fails leaves the old file, and no temporary.
TEST(FilesTest, AFailedWriteKeepsTheOldFile) {
  fs::create_directories(Tmp("d"));
  const std::string path = Tmp("d/d.bin");
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  const absl::Status failed = WriteAtomically(path, [](const std::string& temporary) {
    std::ofstream(temporary) << "half";
    return absl::DataLossError("encoder failed");
  });
  EXPECT_EQ(failed.message(), "encoder failed");
  EXPECT_EQ(*ReadFile(path), "old");
  ExpectOnly(Tmp("d"), {"d.bin"});
}

TEST(FilesTest, ReplaceDirectorySwapsInTheNewFolderOnlyWhenItIsComplete) {
  const std::string target = Tmp("r/report");
  fs::create_directories(target);
  std::ofstream(target + "/stale.md") << "stale";
  auto build = [](const std::string& dir) {
    std::ofstream(dir + "/new.md") << "new";
    return absl::OkStatus();
  };
  ASSERT_TRUE(ReplaceDirectory(target + "/", build).ok());
  ExpectOnly(target, {"new.md"});
  ExpectOnly(Tmp("r"), {"report"});

  const absl::Status failed = ReplaceDirectory(target, [](const std::string& dir) {
    std::ofstream(dir + "/half.md") << "half";
    return absl::UnavailableError("gnuplot failed");
  });
  EXPECT_EQ(failed.message(), "gnuplot failed");
  ExpectOnly(target, {"new.md"});
  ExpectOnly(Tmp("r"), {"report"});
}

}  // namespace
}  // namespace nerve_mtl
