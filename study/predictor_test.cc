// //study:predict's library on written fixtures: a trained tiny trial reproduces its own test
// metrics on its test split, predicts a folder of PNGs into masks, overlays and a CSV, and
// refuses images that do not fit its model, naming the file.
#include "study/predictor.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "data/image_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "study/test_trial.h"
#include "study/trainer.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class PredictorTest : public ::testing::Test {
 protected:
  // The tiny trial is multitask, so the per-task rule saves best_classifier.pt beside
  // best_model.pt.
  static void SetUpTestSuite() {
    const Experiment e = TinyExperiment();
    TrainOptions options;
    options.out_dir = TestPath("trial");
    options.tensorboard = false;
    std::ostringstream log;
    options.log = &log;
    absl::StatusOr<Result> result = TrainExperiment(e, options);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(WriteResult(options.out_dir, *result).ok());
    result_ = new Result(*result);
  }

  static Result* result_;
};

Result* PredictorTest::result_ = nullptr;

TEST_F(PredictorTest, ReproducesTheTrialsTestMetricsOnItsTestSplit) {
  ASSERT_NE(result_, nullptr);
  ASSERT_TRUE(fs::exists(TestPath("trial/best_classifier.pt"))) << "the per-task rule is not tested";
  absl::StatusOr<TrainedTrial> trial = LoadTrainedTrial(TestPath("trial"), Compute());
  ASSERT_TRUE(trial.ok()) << trial.status();
  std::string text;
  google::protobuf::TextFormat::PrintToString(result_->experiment().data(), &text);
  std::ofstream(TestPath("data.textproto")) << text;
  absl::StatusOr<PredictInput> input = LoadDataSpecInput(TestPath("data.textproto"), trial->experiment, "test");
  ASSERT_TRUE(input.ok()) << input.status();
  const Predictions predictions = Predict(*trial, *input, Compute());
  ASSERT_TRUE(predictions.metrics.has_value());
  EXPECT_EQ(predictions.metrics->SerializeAsString(), result_->test().SerializeAsString())
      << predictions.metrics->DebugString() << "\nvs\n" << result_->test().DebugString();
  EXPECT_GT(result_->test().images(), 0);

  ASSERT_TRUE(WritePredictions(TestPath("out_test"), *input, predictions).ok());
  std::ifstream csv(TestPath("out_test/predictions.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "image,predicted_class,p_median,p_radial,p_ulnar,true_class");
  EXPECT_TRUE(fs::exists(TestPath("out_test/metrics.textproto")));
}

TEST_F(PredictorTest, RefusesADataSpecOfAnotherSize) {
  ASSERT_NE(result_, nullptr);
  absl::StatusOr<TrainedTrial> trial = LoadTrainedTrial(TestPath("trial"), Compute());
  ASSERT_TRUE(trial.ok());
  std::ofstream(TestPath("big.textproto")) << "height: 64\nwidth: 32\n";
  const absl::Status s = LoadDataSpecInput(TestPath("big.textproto"), trial->experiment, "test").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(TestPath("big.textproto") + ": height is 64 but the trial's model takes 32"));
  EXPECT_THAT(LoadDataSpecInput(TestPath("big.textproto"), trial->experiment, "tset").status().message(),
              HasSubstr("--split=tset"));
}

TEST_F(PredictorTest, PredictsAFolderOfImages) {
  ASSERT_NE(result_, nullptr);
  const std::string dir = TestPath("images");
  fs::create_directories(dir);
  for (int i = 0; i < 3; ++i) {
    data::Image image(1, 40, 50);  // Another size than the trial's: resized as the loaders do.
    for (size_t k = 0; k < image.pixels.size(); ++k) image.pixels[k] = static_cast<uint8_t>((k * (i + 3)) % 251);
    ASSERT_TRUE(data::WritePng(dir + "/scan " + std::to_string(i) + ".png", image).ok());
  }
  ASSERT_TRUE(data::WritePng(dir + "/scan 0_mask.png", data::Image(1, 40, 50)).ok());
  std::ofstream(dir + "/notes.txt") << "not an image\n";
  absl::StatusOr<TrainedTrial> trial = LoadTrainedTrial(TestPath("trial"), Compute());
  ASSERT_TRUE(trial.ok());
  absl::StatusOr<PredictInput> input = ReadImageFolder(dir, trial->experiment);
  ASSERT_TRUE(input.ok()) << input.status();
  ASSERT_EQ(input->dataset.examples.size(), 3u);
  const Predictions predictions = Predict(*trial, *input, Compute());
  EXPECT_FALSE(predictions.metrics.has_value());
  ASSERT_EQ(predictions.images.size(), 3u);
  for (const ImageOutput& p : predictions.images) {
    EXPECT_EQ(p.mask.height, 32);
    EXPECT_EQ(p.mask.width, 32);
    ASSERT_EQ(p.probabilities.size(), 3u);
    double sum = 0;
    for (double q : p.probabilities) sum += q;
    EXPECT_NEAR(sum, 1.0, 1e-5);
    EXPECT_EQ(p.label, std::max_element(p.probabilities.begin(), p.probabilities.end()) -
                           p.probabilities.begin());
  }
  const std::string out = TestPath("out_images");
  ASSERT_TRUE(WritePredictions(out, *input, predictions).ok());
  for (const char* name : {"masks/scan_0.png", "masks/scan_2.png", "overlays/scan_1.png"}) {
    EXPECT_TRUE(fs::exists(out + "/" + name)) << name;
  }
  absl::StatusOr<data::Image> mask = data::ReadPng(out + "/masks/scan_1.png");
  ASSERT_TRUE(mask.ok());
  EXPECT_EQ(mask->height, 32);
  for (size_t k = 0; k < mask->pixels.size(); ++k) {
    ASSERT_EQ(mask->pixels[k], predictions.images[1].mask.pixels[k] ? 255 : 0);
  }
  std::ifstream csv(out + "/predictions.csv");
  std::vector<std::string> lines;
  for (std::string line; std::getline(csv, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "image,predicted_class,p_median,p_radial,p_ulnar");
  EXPECT_THAT(lines[2], ::testing::StartsWith("scan 1,"));
  EXPECT_FALSE(fs::exists(out + "/metrics.textproto"));
}

TEST_F(PredictorTest, RefusesAnImageWithAnotherChannelCountNamingIt) {
  ASSERT_NE(result_, nullptr);
  const std::string dir = TestPath("rgb");
  fs::create_directories(dir);
  ASSERT_TRUE(data::WritePng(dir + "/a.png", data::Image(1, 32, 32)).ok());
  ASSERT_TRUE(data::WritePng(dir + "/b.png", data::Image(3, 32, 32)).ok());
  absl::StatusOr<TrainedTrial> trial = LoadTrainedTrial(TestPath("trial"), Compute());
  ASSERT_TRUE(trial.ok());
  const absl::Status s = ReadImageFolder(dir, trial->experiment).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(dir + "/b.png: 3 channel(s), but the trial's model takes 1"));
  EXPECT_THAT(LoadTrainedTrial(dir, Compute()).status().message(),
              HasSubstr(dir + "/experiment.textproto: no such file"));
}

}  // namespace
}  // namespace nerve_mtl::study
