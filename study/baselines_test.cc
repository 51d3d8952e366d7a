#include "study/baselines.h"

#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::HasSubstr;

// Test images (2x2): labels 0, 0, 1, 2; masks empty, empty, one pixel, all four pixels.
// Validation: one image of class 2 with two pixels.
data::Dataset TinySet(data::SplitIndices* split) {
  data::Dataset dataset;
  dataset.class_names = {"median", "radial", "ulnar"};
  const std::vector<std::vector<uint8_t>> masks = {
      {0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, 1}, {1, 1, 0, 0}};
  const std::vector<int> labels = {0, 0, 1, 2, 2};
  for (int i = 0; i < 5; ++i) {
    data::Example e;
    e.id = std::to_string(i);
    e.label = labels[i];
    e.mask = data::Mask(2, 2);
    e.mask.pixels = masks[i];
    dataset.examples.push_back(e);
  }
  split->test = {0, 1, 2, 3};
  split->val = {4};
  return dataset;
}

TEST(BaselinesTest, ConstantPredictionsScoreTheKnownTrivialValues) {
  data::SplitIndices split;
  const data::Dataset dataset = TinySet(&split);
  Experiment experiment;
  experiment.set_name("row");
  const std::vector<Baseline> baselines = TrivialBaselines(experiment, true, true, dataset, split);
  ASSERT_EQ(baselines.size(), 2u * 3u);  // {empty, full} x {median, radial, ulnar}
  double best_accuracy = 0, empty_dice = -1, full_dice = -1;
  for (const Baseline& b : baselines) {
    ASSERT_EQ(b.results.size(), 1u);
    const Result& r = b.results[0];
    EXPECT_EQ(r.experiment().name(), "row");
    EXPECT_EQ(r.test().images(), 4);
    best_accuracy = std::max(best_accuracy, r.test().accuracy());
    if (b.description.find("empty masks") != std::string::npos) empty_dice = r.test().dice();
    if (b.description.find("all-foreground") != std::string::npos) full_dice = r.test().dice();
  }
  // Majority class: 2 of 4 test images are 'median'.
  EXPECT_DOUBLE_EQ(best_accuracy, 0.5);
  // Empty masks: Dice 1 on the two empty truths, 0 on the others (Kaggle convention).
  EXPECT_DOUBLE_EQ(empty_dice, 0.5);
  // All foreground: 0, 0, 2*1/(4+1), 2*4/(4+4).
  EXPECT_DOUBLE_EQ(full_dice, (0.4 + 1.0) / 4);
  EXPECT_THAT(baselines[0].description, HasSubstr("predicts empty masks and class 'median'"));
}

TEST(BaselinesTest, AClassifierGetsOneBaselinePerClassAndNoMasks) {
  data::SplitIndices split;
  const data::Dataset dataset = TinySet(&split);
  const std::vector<Baseline> baselines =
      TrivialBaselines(Experiment(), false, true, dataset, split);
  ASSERT_EQ(baselines.size(), 3u);
  EXPECT_FALSE(baselines[0].results[0].test().has_segmentation());
  EXPECT_DOUBLE_EQ(baselines[2].results[0].val().accuracy(), 1.0);  // The one val image is 'ulnar'.
}

TEST(BaselinesTest, PoolingAddsEachFoldsResultToItsBaseline) {
  data::SplitIndices split;
  const data::Dataset dataset = TinySet(&split);
  std::vector<Baseline> pooled;
  PoolBaselines(TrivialBaselines(Experiment(), false, true, dataset, split), &pooled);
  data::SplitIndices swapped = split;  // A second fold: validation and test exchanged.
  std::swap(swapped.val, swapped.test);
  PoolBaselines(TrivialBaselines(Experiment(), false, true, dataset, swapped), &pooled);
  ASSERT_EQ(pooled.size(), 3u);
  ASSERT_EQ(pooled[2].results.size(), 2u);
  // Class 'ulnar': one of the first fold's 4 test images, the second fold's only one.
  EXPECT_DOUBLE_EQ(pooled[2].results[0].test().accuracy(), 0.25);
  EXPECT_DOUBLE_EQ(pooled[2].results[1].test().accuracy(), 1.0);
}

}  // namespace
}  // namespace nerve_mtl::study
