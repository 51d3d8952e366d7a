// Every study spec in the repository parses strictly, expands into valid trials and says the
// command that runs it and how long it takes.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "study/grid.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(StudiesTest, EverySpecParsesAndExpands) {
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
    absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
    ASSERT_TRUE(trials.ok()) << path << ": " << trials.status();
    EXPECT_FALSE(trials->empty()) << path;
    EXPECT_THAT(text.str(), HasSubstr("#   bazel run //study:")) << path << " must say how to run it";
    EXPECT_THAT(text.str(), HasSubstr("on a 2-core machine")) << path << " must say how long";
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace nerve_mtl::study
