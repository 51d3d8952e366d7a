#include "study/downloaded_sets_fixture.h"

#include <filesystem>
#include <set>
#include <string>

#include "data/example.h"
#include "data/load.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

// The stand-ins load through the real loaders, and grouping finds nothing to join: each BUSI
// image stays its own patient, each Kaggle subject one.
TEST(DownloadedSetsFixtureTest, StandInsLoadWithEveryClassAndNoDuplicates) {
  const fs::path workspace = fs::path(::testing::TempDir()) / "sets";
  fs::remove_all(workspace);
  ASSERT_TRUE(WriteDownloadedSets(workspace.string()).ok());

  data::DataSpec busi;
  busi.mutable_busi()->set_directory((workspace / kBusiFolder).string());
  busi.set_height(64);
  busi.set_width(64);
  absl::StatusOr<data::LoadedData> loaded = data::LoadData(busi);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->dataset.examples.size(), 30u);
  EXPECT_EQ(loaded->dataset.class_names.size(), 3u);
  std::set<std::string> patients;
  for (const data::Example& e : loaded->dataset.examples) patients.insert(e.patient);
  EXPECT_EQ(patients.size(), 30u);

  data::DataSpec kaggle;
  kaggle.mutable_kaggle()->set_directory((workspace / kKaggleFolder).string());
  kaggle.set_height(48);
  kaggle.set_width(64);
  loaded = data::LoadData(kaggle);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->dataset.examples.size(), 40u);
  int present = 0;
  patients.clear();
  for (const data::Example& e : loaded->dataset.examples) {
    present += e.label;
    patients.insert(e.patient);
  }
  EXPECT_EQ(present, 20);
  EXPECT_EQ(patients.size(), 10u);
}

}  // namespace
}  // namespace nerve_mtl::study
