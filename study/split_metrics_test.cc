#include "study/split_metrics.h"

#include <vector>

#include "gtest/gtest.h"
#include "study/metrics.h"

namespace nerve_mtl::study {
namespace {

// Four 2x2 images of classes 0, 1, 0, 1 whose nerve is the top row.
std::vector<ImagePrediction> Images(const std::vector<std::vector<uint8_t>>& masks,
                                    const std::vector<int>& labels) {
  std::vector<ImagePrediction> images;
  for (int i = 0; i < 4; ++i) {
    ImagePrediction p;
    p.id = std::to_string(i);
    p.height = 2;
    p.width = 2;
    p.true_mask = {1, 1, 0, 0};
    p.predicted_mask = masks[i];
    p.true_label = i % 2;
    p.predicted_label = labels[i];
    images.push_back(p);
  }
  return images;
}

SplitMetrics Evaluate(const std::vector<ImagePrediction>& images) {
  MetricsAccumulator accumulator(2);
  for (const ImagePrediction& p : images) accumulator.Add(p);
  return ToSplitMetrics(accumulator.Finish());
}

const std::vector<std::vector<uint8_t>> kGoodMasks = {
    {1, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}};
const std::vector<std::vector<uint8_t>> kEmptyMasks(4, std::vector<uint8_t>(4, 0));

TEST(SplitMetricsTest, ToSplitMetricsKeepsEachImagesValues) {
  const SplitMetrics m = Evaluate(Images(kGoodMasks, {0, 0, 0, 1}));
  EXPECT_EQ(m.images(), 4);
  ASSERT_EQ(m.image_dice_size(), 4);
  EXPECT_DOUBLE_EQ(m.image_dice(1), 2.0 * 1 / (1 + 2));  // One of two nerve pixels found.
  EXPECT_DOUBLE_EQ(m.image_dice(3), 0.0);
  EXPECT_DOUBLE_EQ(m.accuracy(), 0.75);
  EXPECT_EQ(m.image_predicted_label(1), 0);
  EXPECT_EQ(m.image_true_label(1), 1);
  EXPECT_EQ(m.n_correct(), 3);
}

TEST(SplitMetricsTest, CombiningAnEvaluationWithItselfChangesNothing) {
  const SplitMetrics m = Evaluate(Images(kGoodMasks, {0, 0, 0, 1}));
  EXPECT_EQ(CombineTasks(m, m).DebugString(), m.DebugString());
}

TEST(SplitMetricsTest, EachTaskComesFromItsCheckpointAsIfOneModelPredictedBoth) {
  // Checkpoint A segments well but classifies everything as 0; checkpoint B predicts empty
  // masks but every label right. The combination must equal an evaluation of A's masks with
  // B's labels.
  const SplitMetrics a = Evaluate(Images(kGoodMasks, {0, 0, 0, 0}));
  const SplitMetrics b = Evaluate(Images(kEmptyMasks, {0, 1, 0, 1}));
  const SplitMetrics expected = Evaluate(Images(kGoodMasks, {0, 1, 0, 1}));
  const SplitMetrics combined = CombineTasks(a, b);
  EXPECT_DOUBLE_EQ(combined.dice(), a.dice());
  EXPECT_DOUBLE_EQ(combined.accuracy(), 1.0);
  EXPECT_EQ(combined.DebugString(), expected.DebugString());
}

}  // namespace
}  // namespace nerve_mtl::study
