#include "data/load.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

using ::testing::HasSubstr;

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

}  // namespace
}  // namespace nerve_mtl::data
