#include "reports/plots.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace nerve_mtl::reports {
namespace {

namespace fs = std::filesystem;
using study::Result;

constexpr char kGnuplot[] = "/usr/bin/gnuplot";

Result Trial(const std::string& label, const std::string& model, int seed, bool classifies,
             bool stitches) {
  Result r;
  r.set_status(Result::OK);
  r.set_trial_id(absl::StrCat(model, seed));
  r.mutable_experiment()->set_name(label);
  r.mutable_experiment()->set_seed(seed);
  r.mutable_experiment()->mutable_model()->set_name(model);
  r.mutable_experiment()->mutable_loss()->set_strategy("uncertainty");
  r.mutable_test()->set_has_segmentation(true);
  r.mutable_test()->set_has_classification(classifies);
  for (int epoch = 0; epoch < 4; ++epoch) {
    study::EpochRecord* e = r.add_epoch();
    e->set_epoch(epoch);
    e->set_train_loss(1.0 / (epoch + 1) + 0.01 * seed);
    e->set_val_dice(0.5 + 0.1 * epoch);
    e->add_task_weight(1.0);
    e->add_task_weight(classifies ? 0.5 + 0.1 * epoch : 0.0);
    if (classifies) e->set_val_accuracy(0.4 + 0.1 * epoch);
    if (stitches) {
      (*e->mutable_diagnostics())["cross_stitch/0/ss"] = 0.9 - 0.01 * epoch;
      (*e->mutable_diagnostics())["cross_stitch/0/sc"] = 0.1 + 0.01 * epoch;
    }
  }
  if (classifies) {
    r.mutable_test()->set_classes(3);
    for (int i = 0; i < 9; ++i) r.mutable_test()->add_confusion(i % 4 == 0 ? 5 + seed : 1);
  }
  return r;
}

std::vector<Result> Results() {
  std::vector<Result> results;
  for (int seed = 0; seed < 2; ++seed) {
    results.push_back(Trial("QuickNAT", "quicknat", seed, false, false));
    results.push_back(Trial("QuickFCN / uncertainty", "quickfcn", seed, true, false));
    results.push_back(Trial("SoftQuickFCN / uncertainty", "softquickfcn", seed, true, true));
  }
  Result failed = Trial("QuickFCN / linear", "quickfcn", 0, true, false);
  failed.set_status(Result::FAILED);
  results.push_back(failed);
  return results;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path TestDir(const std::string& name) { return fs::path(std::getenv("TEST_TMPDIR")) / name; }

TEST(PlotsTest, WritesSvgPngAndDataForEveryFigure) {
  if (access(kGnuplot, X_OK) != 0) GTEST_SKIP() << kGnuplot << " is not installed";
  const fs::path out = TestDir("plots");
  absl::StatusOr<std::vector<std::string>> files = WritePlots(Results(), out.string());
  ASSERT_TRUE(files.ok()) << files.status();
  for (const char* stem :
       {"train_loss", "val_dice", "val_accuracy", "task_weights_quickfcn_uncertainty",
        "task_weights_softquickfcn_uncertainty", "cross_stitch_softquickfcn_uncertainty",
        "confusion_quickfcn_uncertainty", "confusion_softquickfcn_uncertainty"}) {
    const std::string svg = Read(out / absl::StrCat(stem, ".svg"));
    EXPECT_TRUE(svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0) << stem;
    EXPECT_EQ(Read(out / absl::StrCat(stem, ".png")).substr(0, 4), "\x89PNG") << stem;
    EXPECT_FALSE(Read(out / absl::StrCat(stem, ".dat")).empty()) << stem;
  }
  // Single-task rows have no task weights; rows without alphas no cross-stitch plot; the
  // failed row nothing.
  EXPECT_FALSE(fs::exists(out / "task_weights_quicknat.svg"));
  EXPECT_FALSE(fs::exists(out / "cross_stitch_quickfcn_uncertainty.svg"));
  EXPECT_FALSE(fs::exists(out / "confusion_quickfcn_linear.svg"));
  EXPECT_EQ(files->size(), 1 + 8 * 3u) << "plots.gp and three files per figure";
  // Confusion summed over seeds 0 and 1: diagonal 5 + 6.
  EXPECT_NE(Read(out / "confusion_quickfcn_uncertainty.dat").find("\n11 2 2\n"), std::string::npos);
  // Learning curves: mean over seeds of 1/(epoch+1) + 0.01 seed.
  EXPECT_NE(Read(out / "train_loss.dat").find("\n0 1.005\n1 0.505\n"), std::string::npos);
}

TEST(PlotsTest, DrawingTwiceGivesTheSameBytes) {
  if (access(kGnuplot, X_OK) != 0) GTEST_SKIP() << kGnuplot << " is not installed";
  const fs::path a = TestDir("twice_a"), b = TestDir("twice_b");
  absl::StatusOr<std::vector<std::string>> first = WritePlots(Results(), a.string());
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::vector<std::string>> second = WritePlots(Results(), b.string());
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(*first, *second);
  for (const std::string& file : *first) EXPECT_EQ(Read(a / file), Read(b / file)) << file;
}

TEST(PlotsTest, MissingGnuplotIsAClearErrorAndWritesNothing) {
  PlotOptions options;
  options.gnuplot = "/nonexistent/gnuplot";
  const fs::path out = TestDir("no_gnuplot");
  absl::StatusOr<std::vector<std::string>> files = WritePlots(Results(), out.string(), options);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(files.status().message().find("/nonexistent/gnuplot: gnuplot not found"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

TEST(PlotsTest, FailingGnuplotLeavesTheOldOutputAlone) {
  const fs::path out = TestDir("failing");
  fs::create_directories(out);
  std::ofstream(out / "old.svg") << "<svg/>";
  PlotOptions options;
  options.gnuplot = "/bin/false";
  absl::StatusOr<std::vector<std::string>> files = WritePlots(Results(), out.string(), options);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("/bin/false failed"), std::string::npos)
      << files.status();
  EXPECT_EQ(Read(out / "old.svg"), "<svg/>");
  for (const fs::directory_entry& entry : fs::directory_iterator(out.parent_path())) {
    EXPECT_EQ(entry.path().filename().string().find(".failing.tmp"), std::string::npos)
        << "temporary directory left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace nerve_mtl::reports
