#include "data/load.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "data/image_io.h"
#include "data/near_duplicates.h"
#include "data/phantom.h"
#include "data/split.h"
#include "data/test_images.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(LoadDataTest, EmptySpecIsThePhantomSplitTenOneOne) {
  DataSpec spec;
  spec.set_height(32);
  spec.set_width(32);
  spec.mutable_phantom()->set_images_per_patient(3);
  absl::StatusOr<LoadedData> data = LoadData(spec);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->dataset.examples.size(), 36u);
  EXPECT_EQ(data->dataset.class_names.size(), 3u);
  std::set<std::string> train, val, test;
  for (int i : data->split.train) train.insert(data->dataset.examples[i].patient);
  for (int i : data->split.val) val.insert(data->dataset.examples[i].patient);
  for (int i : data->split.test) test.insert(data->dataset.examples[i].patient);
  EXPECT_EQ(train.size(), 10u);
  EXPECT_EQ(val.size(), 1u);
  EXPECT_EQ(test.size(), 1u);
  const Example& e = data->dataset.examples[0];
  EXPECT_EQ(e.image.height, 32);
  EXPECT_EQ(e.image.width, 32);
  EXPECT_EQ(e.mask.height, 32);
}

TEST(LoadDataTest, BadSpecsNameTheField) {
  DataSpec small;
  small.set_height(8);
  EXPECT_THAT(LoadData(small).status().message(), HasSubstr("data.height and data.width"));
  DataSpec channels;
  channels.set_channels(0);
  EXPECT_THAT(LoadData(channels).status().message(), HasSubstr("data.channels"));
  DataSpec kaggle;
  kaggle.mutable_kaggle();
  EXPECT_THAT(LoadData(kaggle).status().message(), HasSubstr("data.kaggle.directory is required"));
  DataSpec busi;
  busi.mutable_busi();
  EXPECT_THAT(LoadData(busi).status().message(), HasSubstr("data.busi.directory is required"));
  DataSpec manifest;
  manifest.mutable_manifest();
  EXPECT_THAT(LoadData(manifest).status().message(), HasSubstr("data.manifest.path is required"));
  DataSpec augmentation;
  augmentation.mutable_augmentation()->set_vflip_probability(-1);
  EXPECT_THAT(LoadData(augmentation).status().message(),
              HasSubstr("augmentation.vflip_probability"));
  DataSpec split;
  split.mutable_split()->mutable_kfold()->set_folds(13);
  EXPECT_THAT(LoadData(split).status().message(),
              HasSubstr("split.kfold.folds is 13 but there are only 12 patients"));
}

TEST(LoadDataTest, MissingKaggleDirectoryIsNamed) {
  DataSpec spec;
  spec.mutable_kaggle()->set_directory("/nonexistent/kaggle/train");
  absl::StatusOr<LoadedData> data = LoadData(spec);
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(data.status().message(), HasSubstr("/nonexistent/kaggle/train"));
}

TEST(LoadDataTest, DefaultPhantomSplitIsUntouchedByGrouping) {
  // The phantom's split as it was before grouping existed, computed here without LoadData.
  for (const bool kfold : {false, true}) {
    DataSpec spec;
    spec.set_height(32);
    spec.set_width(32);
    spec.set_seed(7);
    spec.mutable_phantom()->set_images_per_patient(3);
    if (kfold) spec.mutable_split()->mutable_kfold()->set_folds(4);
    absl::StatusOr<LoadedData> data = LoadData(spec);
    ASSERT_TRUE(data.ok()) << data.status();
    absl::StatusOr<Dataset> phantom = GeneratePhantom(spec.phantom(), 32, 32, 1, 7);
    ASSERT_TRUE(phantom.ok()) << phantom.status();
    absl::StatusOr<SplitIndices> split = SplitByPatient(*phantom, spec.split(), 7);
    ASSERT_TRUE(split.ok()) << split.status();
    EXPECT_FALSE(data->grouping.enabled);
    ASSERT_EQ(data->dataset.examples.size(), phantom->examples.size());
    for (size_t i = 0; i < phantom->examples.size(); ++i) {
      EXPECT_EQ(data->dataset.examples[i].patient, phantom->examples[i].patient);
      EXPECT_EQ(data->dataset.examples[i].image.pixels, phantom->examples[i].image.pixels);
    }
    EXPECT_EQ(data->split.train, split->train);
    EXPECT_EQ(data->split.val, split->val);
    EXPECT_EQ(data->split.test, split->test);
  }
}

// An 18x16 picture that grouping tells from every other k (data/test_images.h).
Image Distinct(uint64_t k) { return DistinctImage(k, /*block=*/2, /*step=*/4); }

class BusiLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    for (const char* c : {"benign", "malignant", "normal"}) fs::create_directories(root_ / c);
    spec_.mutable_busi()->set_directory(root_.string());
    spec_.set_height(16);
    spec_.set_width(18);
  }

  void Write(const std::string& folder, int n, const Image& image) {
    const std::string stem = (root_ / folder / (folder + " (" + std::to_string(n) + ")")).string();
    ASSERT_TRUE(WritePng(stem + ".png", image).ok());
    ASSERT_TRUE(WritePng(stem + "_mask.png", Image(1, image.height, image.width)).ok());
  }

  fs::path root_;
  DataSpec spec_;
};

TEST_F(BusiLoadTest, GroupingIsOnByDefault) {
  Write("benign", 1, Distinct(1));
  Write("benign", 2, Distinct(2));  // also filed as malignant (3): a class conflict
  Write("malignant", 1, Distinct(3));
  Write("malignant", 3, Distinct(2));
  Write("normal", 1, Distinct(4));
  Write("normal", 2, Distinct(4));  // the same picture twice: one split unit
  absl::StatusOr<LoadedData> data = LoadData(spec_);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_TRUE(data->grouping.enabled);
  EXPECT_THAT(data->grouping.conflicts,
              ElementsAre("benign/benign (2) (benign), malignant/malignant (3) (malignant)"));
  std::vector<std::string> patients;
  for (const Example& e : data->dataset.examples) patients.push_back(e.patient);
  EXPECT_THAT(patients, ElementsAre("benign/benign (1)", "malignant/malignant (1)",
                                    "normal/normal (1)+1", "normal/normal (1)+1"));
  // Off on request: all six images, each its own patient.
  spec_.mutable_group_near_duplicates()->set_enabled(false);
  data = LoadData(spec_);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_FALSE(data->grouping.enabled);
  EXPECT_EQ(data->dataset.examples.size(), 6u);
}

TEST_F(BusiLoadTest, ChainRefusalNamesTheFolder) {
  for (int n = 1; n <= 3; ++n) Write("benign", n, Distinct(1));
  Write("malignant", 1, Distinct(2));
  Write("normal", 1, Distinct(3));
  Write("normal", 2, Distinct(4));
  absl::StatusOr<LoadedData> data = LoadData(spec_);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(data.status().message()),
              StartsWith(root_.string() + ": data.group_near_duplicates: at max_distance 4 one "
                                          "group of 3 patients"));
}

TEST(LoadDataTest, KaggleGroupsSubjectsByDefault) {
  // Subject 2's image repeats subject 1's: one unit. 3_1 and 4_1 are one picture, with a nerve
  // in 3's mask and none in 4's: Kaggle's contradictory duplicates, excluded.
  const fs::path dir = fs::path(::testing::TempDir()) / "kaggle_grouping";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const uint64_t picture[] = {0, 1, 1, 2, 2, 3, 4, 5};  // by subject; [0] unused
  for (int subject = 1; subject <= 7; ++subject) {
    const std::string stem = (dir / (std::to_string(subject) + "_1")).string();
    ASSERT_TRUE(WriteTiff(stem + ".tif", Distinct(picture[subject])).ok());
    Image mask(1, 16, 18);
    if (subject == 3) mask.at(0, 5, 5) = 255;
    ASSERT_TRUE(WriteTiff(stem + "_mask.tif", mask).ok());
  }
  DataSpec spec;
  spec.mutable_kaggle()->set_directory(dir.string());
  spec.set_height(16);
  spec.set_width(18);
  absl::StatusOr<LoadedData> data = LoadData(spec);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_THAT(data->grouping.conflicts, ElementsAre("3_1 (present), 4_1 (absent)"));
  std::vector<std::string> patients;
  for (const Example& e : data->dataset.examples) patients.push_back(e.patient);
  EXPECT_THAT(patients, ElementsAre("1+1", "1+1", "5", "6", "7"));
  const std::vector<int>* parts[] = {&data->split.train, &data->split.val, &data->split.test};
  for (const std::vector<int>* part : parts) {
    const bool has_1 = std::count(part->begin(), part->end(), 0) > 0;
    const bool has_2 = std::count(part->begin(), part->end(), 1) > 0;
    EXPECT_EQ(has_1, has_2) << "subjects 1 and 2 straddle the split";
  }
}

// The downloaded sets' studies name "//datasets/..." (README, "Data"): under `bazel run` that is
// the workspace root, and an error names the folder that was looked for.
TEST(LoadDataTest, SlashSlashPathsAreUnderTheWorkspace) {
  const fs::path workspace = fs::path(::testing::TempDir()) / "workspace";
  const fs::path dir = workspace / "datasets" / "train";
  fs::remove_all(workspace);
  fs::create_directories(dir);
  for (int subject = 1; subject <= 3; ++subject) {
    const std::string stem = (dir / (std::to_string(subject) + "_1")).string();
    ASSERT_TRUE(WriteTiff(stem + ".tif", Distinct(subject)).ok());
    ASSERT_TRUE(WriteTiff(stem + "_mask.tif", Image(1, 16, 18)).ok());
  }
  ASSERT_EQ(setenv("BUILD_WORKSPACE_DIRECTORY", workspace.c_str(), 1), 0);
  DataSpec spec;
  spec.mutable_kaggle()->set_directory("//datasets/train");
  spec.set_height(16);
  spec.set_width(18);
  absl::StatusOr<LoadedData> data = LoadData(spec);
  EXPECT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data.ok() ? data->dataset.examples.size() : 0u, 3u);
  spec.mutable_kaggle()->set_directory("//datasets/missing");
  data = LoadData(spec);
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(data.status().message(), HasSubstr((workspace / "datasets/missing").string()));
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
}

TEST(LoadDataTest, BadGroupingOptionsAreNamed) {
  DataSpec spec;
  spec.mutable_group_near_duplicates()->set_max_distance(-1);
  EXPECT_THAT(LoadData(spec).status().message(),
              HasSubstr("data.group_near_duplicates.max_distance"));
}

}  // namespace
}  // namespace nerve_mtl::data
