#include "reports/results_io.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace nerve_mtl::reports {
namespace {

namespace fs = std::filesystem;

fs::path TestDir(const std::string& name) {
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void WriteTrial(const fs::path& results, const std::string& dir_name, const std::string& label,
                int seed, const std::string& trial_id, bool with_components = true) {
  study::Result r;
  r.set_status(study::Result::OK);
  r.set_trial_id(trial_id);
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->set_seed(seed);
  if (with_components) r.mutable_components()->set_segments(true);
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(r, &text));
  fs::create_directories(results / "trials" / dir_name);
  std::ofstream(results / "trials" / dir_name / "result.textproto") << text;
}

TEST(ReadResultsTest, SortsByLabelThenSeedThenTrialId) {
  const fs::path dir = TestDir("sorted");
  WriteTrial(dir, "d1", "b", 1, "d1");
  WriteTrial(dir, "d2", "b", 0, "d2");
  WriteTrial(dir, "d3", "a", 0, "t2");
  WriteTrial(dir, "d4", "a", 0, "t1");
  WriteTrial(dir, "d5", "a", 2, "");  // Takes its directory's name.
  fs::create_directories(dir / "trials" / "still_running");
  absl::StatusOr<std::vector<study::Result>> results = ReadResults(dir.string());
  ASSERT_TRUE(results.ok()) << results.status();
  std::vector<std::string> order;
  for (const study::Result& r : *results) {
    order.push_back(
        absl::StrCat(r.experiment().name(), "/", r.experiment().seed(), "/", r.trial_id()));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a/0/t1", "a/0/t2", "a/2/d5", "b/0/d2", "b/1/d1"}));
}

TEST(ReadResultsTest, ParseErrorNamesTheFile) {
  const fs::path dir = TestDir("bad");
  WriteTrial(dir, "good", "a", 0, "good");
  fs::create_directories(dir / "trials" / "broken");
  std::ofstream(dir / "trials" / "broken" / "result.textproto") << "status: OK\nno_such_field: 1\n";
  absl::StatusOr<std::vector<study::Result>> results = ReadResults(dir.string());
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string file = (dir / "trials" / "broken" / "result.textproto").string();
  EXPECT_TRUE(absl::StrContains(results.status().message(), file + ":2:")) << results.status();
}

TEST(ReadResultsTest, MissingOrEmptyDirectoryIsNotFoundNamingIt) {
  const fs::path missing = fs::path(std::getenv("TEST_TMPDIR")) / "no_such_results";
  absl::StatusOr<std::vector<study::Result>> results = ReadResults(missing.string());
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(results.status().message(), missing.string()));

  const fs::path empty = TestDir("empty");
  fs::create_directories(empty / "trials" / "unfinished");
  results = ReadResults(empty.string());
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(results.status().message(), empty.string())) << results.status();
}

// A result from before results recorded their components: refused, naming the file, unless the
// caller (a study binary) completes it.
TEST(ReadResultsTest, OlderResultsNeedCompleting) {
  const fs::path dir = TestDir("older");
  WriteTrial(dir, "new", "a", 0, "new");
  WriteTrial(dir, "old", "b", 0, "old", /*with_components=*/false);
  absl::StatusOr<std::vector<study::Result>> results = ReadResults(dir.string());
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(results.status().message(),
                                (dir / "trials" / "old" / "result.textproto").string() +
                                    ": written before results recorded their components"))
      << results.status();
  int completed = 0;
  results = ReadResults(dir.string(), [&](study::Result* r) {
    ++completed;
    r->mutable_components()->set_classifies(true);
    return absl::OkStatus();
  });
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(completed, 1);
  EXPECT_TRUE((*results)[1].components().classifies());
  EXPECT_FALSE((*results)[0].components().classifies());
}

}  // namespace
}  // namespace nerve_mtl::reports
