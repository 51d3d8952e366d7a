#include "common/publish.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string Tmp(const std::string& name) {
  return (fs::path(std::getenv("TEST_TMPDIR")) / name).string();
}

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PublishTest, TheFirstRenameWinsAndTheSecondDropsItsCopy) {
  const std::string target = Tmp("first/branch");
  Write(Tmp("first/a/done"), "a");
  Write(Tmp("first/b/done"), "b");
  absl::StatusOr<bool> a = PublishDirectory(Tmp("first/a"), target, "done");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(*a);
  absl::StatusOr<bool> b = PublishDirectory(Tmp("first/b"), target, "done");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(*b);
  EXPECT_EQ(Read(target + "/done"), "a");
  EXPECT_FALSE(fs::exists(Tmp("first/b")));
}

TEST(PublishTest, ALeftoverWithoutTheMarkerIsReplaced) {
  const std::string target = Tmp("leftover/branch");
  Write(target + "/checkpoint", "half");
  Write(Tmp("leftover/own/done"), "whole");
  absl::StatusOr<bool> published = PublishDirectory(Tmp("leftover/own"), target, "done");
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_TRUE(*published);
  EXPECT_EQ(Read(target + "/done"), "whole");
  EXPECT_FALSE(fs::exists(target + "/checkpoint"));
}

// Processes racing for one target: exactly one wins, and the target is always whole.
TEST(PublishTest, ConcurrentWritersLeaveOneWholeFolder) {
  const std::string target = Tmp("race/branch");
  constexpr int kWriters = 8;
  for (int i = 0; i < kWriters; ++i) {
    if (fork() == 0) {
      const std::string own = PrivateSibling(target);
      for (int k = 0; k < 20; ++k) Write(own + "/part" + std::to_string(k), std::to_string(i));
      Write(own + "/done", std::to_string(i));
      absl::StatusOr<bool> won = PublishDirectory(own, target, "done");
      _exit(won.ok() ? (*won ? 10 : 11) : 12);
    }
  }
  int winners = 0;
  for (int i = 0; i < kWriters; ++i) {
    int status = 0;
    wait(&status);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 12);
    winners += WEXITSTATUS(status) == 10;
  }
  EXPECT_EQ(winners, 1);
  const std::string writer = Read(target + "/done");
  for (int k = 0; k < 20; ++k) EXPECT_EQ(Read(target + "/part" + std::to_string(k)), writer);
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(Tmp("race"))) entries += !entry.path().empty();
  EXPECT_EQ(entries, 1);  // Every losing copy is gone.
}

TEST(PublishTest, ErrorsNameTheFolders) {
  absl::StatusOr<bool> missing = PublishDirectory(Tmp("none/own"), Tmp("none/target"), "done");
  EXPECT_THAT(missing.status().message(), HasSubstr("none/own"));
}

}  // namespace
}  // namespace nerve_mtl
