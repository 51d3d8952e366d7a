#include "study/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::ElementsAre;
using ::testing::IsNan;

TEST(DiceTest, PartialOverlap) {
  const std::vector<uint8_t> a = {1, 1, 0, 0};
  const std::vector<uint8_t> b = {1, 0, 1, 0};
  // |A∩B| = 1, |A| = |B| = 2, |A∪B| = 3.
  EXPECT_DOUBLE_EQ(Dice(a.data(), b.data(), 4), 0.5);
  EXPECT_DOUBLE_EQ(IoU(a.data(), b.data(), 4), 1.0 / 3);
}

TEST(DiceTest, AnyNonzeroIsForeground) {
  const std::vector<uint8_t> a = {2, 3, 0, 0};
  const std::vector<uint8_t> b = {1, 1, 1, 0};
  EXPECT_DOUBLE_EQ(Dice(a.data(), b.data(), 4), 4.0 / 5);
  EXPECT_DOUBLE_EQ(IoU(a.data(), b.data(), 4), 2.0 / 3);
}

TEST(DiceTest, KaggleEmptyConventions) {
  const std::vector<uint8_t> empty = {0, 0, 0};
  const std::vector<uint8_t> full = {0, 1, 0};
  EXPECT_EQ(Dice(empty.data(), empty.data(), 3), 1.0);
  EXPECT_EQ(IoU(empty.data(), empty.data(), 3), 1.0);
  EXPECT_EQ(Dice(empty.data(), full.data(), 3), 0.0);
  EXPECT_EQ(Dice(full.data(), empty.data(), 3), 0.0);
  EXPECT_EQ(IoU(full.data(), empty.data(), 3), 0.0);
  EXPECT_EQ(Dice(full.data(), full.data(), 3), 1.0);
}

std::vector<uint8_t> Square(int height, int width, int top, int left, int size) {
  std::vector<uint8_t> mask(height * width, 0);
  for (int y = top; y < top + size; ++y) {
    for (int x = left; x < left + size; ++x) mask[y * width + x] = 1;
  }
  return mask;
}

TEST(HausdorffTest, SquaresOffsetByThree) {
  // 5x5 squares, the second shifted 3 pixels right: the far edges are 3 apart, and 10 of the
  // 32 boundary distances are 3, enough to hold the 95th percentile.
  const std::vector<uint8_t> a = Square(12, 14, 2, 2, 5);
  const std::vector<uint8_t> b = Square(12, 14, 2, 5, 5);
  EXPECT_DOUBLE_EQ(HausdorffDistance95(a.data(), b.data(), 12, 14), 3.0);
  EXPECT_DOUBLE_EQ(HausdorffDistance95(b.data(), a.data(), 12, 14), 3.0);
}

TEST(HausdorffTest, SinglePixelsAreEuclidean) {
  std::vector<uint8_t> a(6 * 6, 0);
  std::vector<uint8_t> b(6 * 6, 0);
  a[0] = 1;
  b[4 * 6 + 3] = 1;  // (y=4, x=3): distance 5.
  EXPECT_DOUBLE_EQ(HausdorffDistance95(a.data(), b.data(), 6, 6), 5.0);
}

TEST(HausdorffTest, InterpolatesThePercentile) {
  // Boundaries {(0,0)} and {(0,0), (0,1)}: distances {0} and {0, 1}; the 95th percentile of
  // [0, 0, 1] at position 1.9 is 0.9.
  const std::vector<uint8_t> a = {1, 0, 0, 0};
  const std::vector<uint8_t> b = {1, 1, 0, 0};
  EXPECT_NEAR(HausdorffDistance95(a.data(), b.data(), 2, 2), 0.9, 1e-12);
}

TEST(HausdorffTest, EmptyConventions) {
  const std::vector<uint8_t> empty(9, 0);
  const std::vector<uint8_t> one = {0, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(HausdorffDistance95(empty.data(), empty.data(), 3, 3), 0.0);
  EXPECT_THAT(HausdorffDistance95(empty.data(), one.data(), 3, 3), IsNan());
  EXPECT_THAT(HausdorffDistance95(one.data(), empty.data(), 3, 3), IsNan());
  EXPECT_EQ(HausdorffDistance95(one.data(), one.data(), 3, 3), 0.0);
}

// The definition, O(boundary^2).
double BruteForceHd95(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, int height,
                      int width) {
  auto boundary = [&](const std::vector<uint8_t>& mask) {
    auto fg = [&](int y, int x) {
      return y >= 0 && y < height && x >= 0 && x < width && mask[y * width + x] != 0;
    };
    std::vector<std::pair<int, int>> points;
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) {
        if (fg(y, x) && (!fg(y - 1, x) || !fg(y + 1, x) || !fg(y, x - 1) || !fg(y, x + 1))) {
          points.emplace_back(y, x);
        }
      }
    }
    return points;
  };
  const auto pa = boundary(a);
  const auto pb = boundary(b);
  std::vector<double> distances;
  // Both directions named first: g++ 14's -Wdangling-reference fires on a braced list of
  // std::make_pair temporaries in the range-for.
  const std::pair<const decltype(pa)*, const decltype(pb)*> directions[] = {{&pa, &pb},
                                                                            {&pb, &pa}};
  for (const auto& [from, to] : directions) {
    for (const auto& p : *from) {
      double best = std::numeric_limits<double>::infinity();
      for (const auto& q : *to) {
        best = std::min(best, std::hypot(p.first - q.first, p.second - q.second));
      }
      distances.push_back(best);
    }
  }
  std::sort(distances.begin(), distances.end());
  const double position = 0.95 * (distances.size() - 1);
  const size_t lower = static_cast<size_t>(position);
  const size_t upper = std::min(lower + 1, distances.size() - 1);
  return distances[lower] + (position - lower) * (distances[upper] - distances[lower]);
}

std::vector<uint8_t> RandomMask(std::mt19937& rng, int height, int width) {
  // Mixes speckle with a disc so that boundaries are both ragged and long.
  std::uniform_real_distribution<double> uniform(0, 1);
  const double density = uniform(rng) * 0.3;
  const double cy = uniform(rng) * height;
  const double cx = uniform(rng) * width;
  const double radius = uniform(rng) * std::min(height, width) / 2;
  std::vector<uint8_t> mask(height * width);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      mask[y * width + x] = std::hypot(y - cy, x - cx) < radius || uniform(rng) < density ? 1 : 0;
    }
  }
  return mask;
}

TEST(HausdorffTest, MatchesBruteForceOnRandomMasks) {
  std::mt19937 rng(7);
  int compared = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int height = 5 + trial % 23;
    const int width = 3 + (trial * 7) % 31;
    const std::vector<uint8_t> a = RandomMask(rng, height, width);
    const std::vector<uint8_t> b = RandomMask(rng, height, width);
    const bool a_empty = std::count(a.begin(), a.end(), 1) == 0;
    const bool b_empty = std::count(b.begin(), b.end(), 1) == 0;
    if (a_empty || b_empty) continue;
    ++compared;
    EXPECT_NEAR(HausdorffDistance95(a.data(), b.data(), height, width),
                BruteForceHd95(a, b, height, width), 1e-9)
        << "trial " << trial << " (" << height << "x" << width << ")";
  }
  EXPECT_GE(compared, 50);
}

ImagePrediction Prediction(std::vector<uint8_t> predicted, std::vector<uint8_t> truth,
                           int true_label, int predicted_label, const std::string& id) {
  ImagePrediction p;
  p.predicted_mask = std::move(predicted);
  p.true_mask = std::move(truth);
  p.height = 2;
  p.width = 2;
  p.true_label = true_label;
  p.predicted_label = predicted_label;
  p.id = id;
  return p;
}

TEST(MetricsAccumulatorTest, BothTasks) {
  MetricsAccumulator accumulator;
  // Dice 1, IoU 1, HD95 0; class 0, correct.
  accumulator.Add(Prediction({1, 1, 0, 0}, {1, 1, 0, 0}, 0, 0, "a"));
  // Dice 2/3, IoU 1/2, HD95 0.9; class 1, correct.
  accumulator.Add(Prediction({1, 0, 0, 0}, {1, 1, 0, 0}, 1, 1, "b"));
  // Dice 0, IoU 0, HD95 undefined; class 1, predicted 0.
  accumulator.Add(Prediction({0, 0, 0, 0}, {0, 0, 1, 0}, 1, 0, "c"));
  // Both empty: Dice 1, IoU 1, HD95 0; class 0, predicted 1.
  accumulator.Add(Prediction({0, 0, 0, 0}, {0, 0, 0, 0}, 0, 1, "d"));
  const SplitMetrics m = accumulator.Finish();

  EXPECT_EQ(m.images(), 4);
  EXPECT_TRUE(m.has_segmentation());
  EXPECT_TRUE(m.has_classification());
  EXPECT_DOUBLE_EQ(m.dice(), (1 + 2.0 / 3 + 0 + 1) / 4);
  EXPECT_DOUBLE_EQ(m.iou(), (1 + 0.5 + 0 + 1) / 4);
  EXPECT_NEAR(m.hd95(), 0.9 / 3, 1e-12);
  EXPECT_EQ(m.hd95_undefined(), 1);
  ASSERT_EQ(m.per_class_dice_size(), 2);
  EXPECT_DOUBLE_EQ(m.per_class_dice(0), 1.0);
  EXPECT_DOUBLE_EQ(m.per_class_dice(1), 1.0 / 3);

  EXPECT_DOUBLE_EQ(m.accuracy(), 0.5);
  EXPECT_EQ(m.classes(), 2);
  EXPECT_THAT(m.confusion(), ElementsAre(1, 1, 1, 1));
  EXPECT_DOUBLE_EQ(m.macro_f1(), 0.5);

  EXPECT_DOUBLE_EQ(m.dice_correct(), (1 + 2.0 / 3) / 2);
  EXPECT_EQ(m.n_correct(), 2);
  EXPECT_DOUBLE_EQ(m.dice_wrong(), 0.5);
  EXPECT_EQ(m.n_wrong(), 2);

  ASSERT_EQ(m.image_dice_size(), 4);
  EXPECT_DOUBLE_EQ(m.image_dice(1), 2.0 / 3);
  EXPECT_THAT(m.image_id(), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(m.image_true_label(), ElementsAre(0, 1, 1, 0));
  EXPECT_THAT(m.image_predicted_label(), ElementsAre(0, 1, 0, 1));
}

ImagePrediction Label(int true_label, int predicted_label) {
  ImagePrediction p;
  p.true_label = true_label;
  p.predicted_label = predicted_label;
  return p;
}

TEST(MetricsAccumulatorTest, ClassificationOnly) {
  // true 0 0 1 1 2 2, predicted 0 1 1 1 0 2.
  // F1 = 2TP / (true + predicted): class 0 2/4, class 1 4/5, class 2 2/3.
  for (int num_classes : {0, 3, 4}) {
    MetricsAccumulator accumulator(num_classes);
    accumulator.Add(Label(0, 0));
    accumulator.Add(Label(0, 1));
    accumulator.Add(Label(1, 1));
    accumulator.Add(Label(1, 1));
    accumulator.Add(Label(2, 0));
    accumulator.Add(Label(2, 2));
    const SplitMetrics m = accumulator.Finish();
    SCOPED_TRACE(num_classes);
    EXPECT_TRUE(m.has_has_segmentation());
    EXPECT_FALSE(m.has_segmentation());
    EXPECT_TRUE(m.has_classification());
    EXPECT_DOUBLE_EQ(m.accuracy(), 4.0 / 6);
    // A declared fourth class that never occurs is left out of the mean.
    EXPECT_DOUBLE_EQ(m.macro_f1(), (0.5 + 0.8 + 2.0 / 3) / 3);
    const int classes = num_classes == 4 ? 4 : 3;
    ASSERT_EQ(m.classes(), classes);
    ASSERT_EQ(m.confusion_size(), classes * classes);
    auto confusion = [&](int truth, int predicted) {
      return m.confusion(truth * classes + predicted);
    };
    EXPECT_THAT(std::vector<int>(m.confusion().begin(), m.confusion().begin() + classes),
                testing::ElementsAreArray(num_classes == 4 ? std::vector<int>{1, 1, 0, 0}
                                                           : std::vector<int>{1, 1, 0}));
    EXPECT_EQ(confusion(1, 1), 2);
    EXPECT_EQ(confusion(2, 0), 1);
    EXPECT_EQ(confusion(2, 2), 1);
    // Without segmentation its metrics are not set at all (nor written to a result file).
    EXPECT_FALSE(m.has_dice());
    EXPECT_FALSE(m.has_hd95_undefined());
    EXPECT_FALSE(m.has_dice_correct());
    EXPECT_FALSE(m.has_n_correct());
    EXPECT_EQ(m.image_dice_size(), 0);
    EXPECT_EQ(m.per_class_dice_size(), 0);
    EXPECT_EQ(m.image_id_size(), 6);
  }
}

TEST(MetricsAccumulatorTest, SegmentationOnlyStillGroupsByTrueClass) {
  MetricsAccumulator accumulator(3);
  accumulator.Add(Prediction({1, 1, 0, 0}, {1, 1, 0, 0}, 0, -1, "a"));
  accumulator.Add(Prediction({1, 0, 0, 0}, {0, 0, 0, 1}, 2, -1, "b"));
  const SplitMetrics m = accumulator.Finish();
  EXPECT_TRUE(m.has_segmentation());
  EXPECT_TRUE(m.has_has_classification());
  EXPECT_FALSE(m.has_classification());
  EXPECT_DOUBLE_EQ(m.dice(), 0.5);
  EXPECT_DOUBLE_EQ(m.hd95(), std::sqrt(2.0) / 2);
  EXPECT_EQ(m.hd95_undefined(), 0);
  EXPECT_TRUE(m.has_hd95_undefined());
  ASSERT_EQ(m.per_class_dice_size(), 3);
  EXPECT_DOUBLE_EQ(m.per_class_dice(0), 1.0);
  EXPECT_THAT(m.per_class_dice(1), IsNan());
  EXPECT_DOUBLE_EQ(m.per_class_dice(2), 0.0);
  // Without classification its metrics are not set at all (nor written to a result file).
  EXPECT_FALSE(m.has_accuracy());
  EXPECT_FALSE(m.has_classes());
  EXPECT_EQ(m.confusion_size(), 0);
  EXPECT_FALSE(m.has_n_correct());
  EXPECT_FALSE(m.has_n_wrong());
  EXPECT_THAT(m.image_predicted_label(), ElementsAre(-1, -1));
}

TEST(MetricsAccumulatorTest, NothingAdded) {
  const SplitMetrics m = MetricsAccumulator().Finish();
  EXPECT_TRUE(m.has_images());
  EXPECT_EQ(m.images(), 0);
  EXPECT_FALSE(m.has_dice());
  EXPECT_FALSE(m.has_accuracy());
  SplitMetrics expected;
  expected.set_images(0);
  expected.set_has_segmentation(false);
  expected.set_has_classification(false);
  EXPECT_EQ(m.SerializeAsString(), expected.SerializeAsString());
}

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
  return accumulator.Finish();
}

const std::vector<std::vector<uint8_t>> kGoodMasks = {
    {1, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}};
const std::vector<std::vector<uint8_t>> kEmptyMasks(4, std::vector<uint8_t>(4, 0));

TEST(MetricsAccumulatorTest, FinishKeepsEachImagesValues) {
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

TEST(CombineTasksTest, CombiningAnEvaluationWithItselfChangesNothing) {
  const SplitMetrics m = Evaluate(Images(kGoodMasks, {0, 0, 0, 1}));
  EXPECT_EQ(CombineTasks(m, m).DebugString(), m.DebugString());
}

TEST(CombineTasksTest, EachTaskComesFromItsCheckpointAsIfOneModelPredictedBoth) {
  // Checkpoint A segments well but classifies everything as 0; checkpoint B predicts empty
  // masks but every label right. The combination must equal an evaluation of A's masks with
  // B's labels.
  const SplitMetrics a = Evaluate(Images(kGoodMasks, {0, 0, 0, 0}));
  const SplitMetrics b = Evaluate(Images(kEmptyMasks, {0, 1, 0, 1}));
  const SplitMetrics expected = Evaluate(Images(kGoodMasks, {0, 1, 0, 1}));
  const SplitMetrics combined = CombineTasks(a, b);
  EXPECT_DOUBLE_EQ(combined.dice(), a.dice());
  EXPECT_DOUBLE_EQ(combined.accuracy(), 1.0);
  EXPECT_EQ(combined.SerializeAsString(), expected.SerializeAsString())
      << combined.DebugString() << "\nvs\n" << expected.DebugString();
}

TEST(MetricsAccumulatorDeathTest, RejectsMismatchedMasks) {
  MetricsAccumulator accumulator;
  ImagePrediction p = Prediction({1, 1, 0}, {1, 1, 0, 0}, 0, 0, "short");
  EXPECT_DEATH(accumulator.Add(p), "image 'short': masks of 3 and 4 pixels");
}

TEST(MetricsAccumulatorDeathTest, RejectsChangingTasks) {
  MetricsAccumulator accumulator;
  accumulator.Add(Label(0, 0));
  EXPECT_DEATH(accumulator.Add(Prediction({0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, "x")),
               "does not do the same tasks");
}

}  // namespace
}  // namespace nerve_mtl::study
