// The evaluation loop on an untrained tiny model: it scores the images in the order given, keeps
// the outputs asked for, and its metrics are the accumulator's over those outputs.
#include "study/evaluation.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "data/load.h"
#include "gtest/gtest.h"
#include "models/model.h"
#include "study/metrics.h"
#include "study/spec.h"
#include "study/test_trial.h"

namespace nerve_mtl::study {
namespace {

class EvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Experiment tiny = TinyExperiment();
    absl::StatusOr<data::LoadedData> data = data::LoadData(ResolveExperiment(tiny).data());
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = std::move(*data);
    experiment_ = SavedExperiment(tiny, static_cast<int>(data_.dataset.class_names.size()));
    absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> model =
        models::CreateModel(experiment_.model());
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *model;
    // Out of order, and not a multiple of the batch size.
    indices_ = {5, 0, 3, 9, 1, 2, 17};
  }

  Evaluation Run(const EvaluationOptions& options) {
    return Evaluate(*model_, data_.dataset, indices_, experiment_.data(), options, Compute());
  }

  data::LoadedData data_;
  Experiment experiment_;
  std::shared_ptr<models::MultitaskModelImpl> model_;
  std::vector<int> indices_;
};

TEST_F(EvaluationTest, KeepsTheFirstImagesOutputsInTheOrderGiven) {
  EvaluationOptions options;
  options.batch_size = 3;
  options.keep_images = 4;
  const Evaluation e = Run(options);
  ASSERT_EQ(e.images.size(), 4u);
  for (size_t i = 0; i < e.images.size(); ++i) {
    const ImageOutput& image = e.images[i];
    EXPECT_EQ(image.id, data_.dataset.examples[indices_[i]].id);
    EXPECT_EQ(image.mask.height, 32);
    EXPECT_EQ(image.mask.width, 32);
    ASSERT_EQ(image.probabilities.size(), data_.dataset.class_names.size());
    double sum = 0;
    for (double q : image.probabilities) sum += q;
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_EQ(image.label,
              std::max_element(image.probabilities.begin(), image.probabilities.end()) -
                  image.probabilities.begin());
  }
}

TEST_F(EvaluationTest, ScoresWhatItPredicts) {
  EvaluationOptions options;
  options.batch_size = 4;
  options.keep_images = static_cast<int>(indices_.size());
  const Evaluation e = Run(options);
  ASSERT_EQ(e.images.size(), indices_.size());
  MetricsAccumulator accumulator(static_cast<int>(data_.dataset.class_names.size()));
  for (size_t i = 0; i < indices_.size(); ++i) {
    const data::Example& example = data_.dataset.examples[indices_[i]];
    ImagePrediction p;
    p.id = example.id;
    p.patient = example.patient;
    p.height = 32;
    p.width = 32;
    p.true_label = example.label;
    p.predicted_label = e.images[i].label;
    p.predicted_mask = e.images[i].mask.pixels;
    p.true_mask = example.mask.pixels;
    accumulator.Add(p);
  }
  EXPECT_EQ(e.metrics.SerializeAsString(), accumulator.Finish().SerializeAsString())
      << e.metrics.DebugString();
  EXPECT_EQ(e.metrics.images(), static_cast<int>(indices_.size()));
}

TEST_F(EvaluationTest, ImagesWithoutTruthAreNotScored) {
  for (data::Example& example : data_.dataset.examples) example.label = -1;
  EvaluationOptions options;
  options.batch_size = 4;
  options.score = false;
  options.keep_images = 100;
  const Evaluation e = Run(options);
  EXPECT_EQ(e.metrics.ByteSizeLong(), 0u);
  EXPECT_EQ(e.images.size(), indices_.size());
}

}  // namespace
}  // namespace nerve_mtl::study
