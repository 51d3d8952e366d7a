#include "study/trainer.h"

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/textproto.h"
#include "common/torch_compat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "study/test_trial.h"
#include "tensorboard/event_reader.h"

namespace nerve_mtl::study {
namespace {

using ::testing::HasSubstr;

// Relative gap allowed between the bf16 and the fp32 training loss of an epoch. Measured on the
// CPU: at most 0.07% over the 4 epochs below.
constexpr double kBf16LossTolerance = 0.01;

Experiment Tiny() { return TinyExperiment(); }

// An empty folder for one trial.
std::string TempDir(const std::string& name) {
  const std::string dir = TestPath(name);
  std::filesystem::remove_all(dir);
  return dir;
}

TrainOptions Options(const std::string& dir, std::ostream* log) {
  TrainOptions options;
  options.out_dir = dir;
  options.log = log;
  return options;
}

// All parameters and buffers of a saved model of the result's spec.
std::vector<at::Tensor> SavedTensors(const std::string& path, const Result& result) {
  auto model = models::CreateModel(result.experiment().model());
  EXPECT_TRUE(model.ok()) << model.status();
  torch::serialize::InputArchive archive;
  archive.load_from(path);
  (*model)->load(archive);
  std::vector<at::Tensor> tensors = (*model)->parameters();
  for (const at::Tensor& b : (*model)->buffers()) tensors.push_back(b);
  return tensors;
}

void ExpectSameWeights(const std::string& a, const std::string& b, const Result& result) {
  const auto ta = SavedTensors(a, result), tb = SavedTensors(b, result);
  ASSERT_EQ(ta.size(), tb.size());
  ASSERT_FALSE(ta.empty());
  for (size_t i = 0; i < ta.size(); ++i) EXPECT_TRUE(at::equal(ta[i], tb[i])) << "tensor " << i;
}

TEST(TrainerTest, TrainsRecordsAndIsBitReproducible) {
  std::ostringstream log_a, log_b;
  const std::string a = TempDir("a"), b = TempDir("b");
  absl::StatusOr<Result> ra = TrainExperiment(Tiny(), Options(a, &log_a));
  ASSERT_TRUE(ra.ok()) << ra.status();
  absl::StatusOr<Result> rb = TrainExperiment(Tiny(), Options(b, &log_b));
  ASSERT_TRUE(rb.ok()) << rb.status();

  EXPECT_EQ(ra->status(), Result::OK);
  EXPECT_EQ(ra->epoch_size(), 3);
  EXPECT_EQ(ra->trial_id().size(), 16u);
  EXPECT_GT(ra->parameters(), 0);
  EXPECT_TRUE(ra->test().has_segmentation());
  EXPECT_TRUE(ra->test().has_classification());
  EXPECT_EQ(ra->test().image_dice_size(), 6);  // one test patient of 6 images
  EXPECT_EQ(ra->experiment().model().classification_classes(), 3);
  EXPECT_EQ(ra->experiment().model().input_height(), 32);
  EXPECT_EQ(ra->epoch(0).task_weight_size(), 2);
  EXPECT_DOUBLE_EQ(ra->epoch(0).task_weight(1), 0.1);  // linear's default CE weight
  EXPECT_FALSE(ra->environment().libtorch_version().empty());

  // Same spec, same machine: bit-identical weights and metrics.
  ExpectSameWeights(a + "/best_model.pt", b + "/best_model.pt", *ra);
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ(ra->epoch(e).train_loss(), rb->epoch(e).train_loss());
    EXPECT_EQ(ra->epoch(e).val_dice(), rb->epoch(e).val_dice());
  }
  EXPECT_EQ(ra->test().dice(), rb->test().dice());
  EXPECT_EQ(ra->test().accuracy(), rb->test().accuracy());

  // Plain progress lines when the log is not a terminal.
  EXPECT_THAT(log_a.str(), HasSubstr("tiny epoch 3/3"));
  EXPECT_THAT(log_a.str(), HasSubstr("val dice"));
  EXPECT_THAT(log_a.str(), ::testing::Not(HasSubstr("\r")));
}

// Mixed precision must not change the science: the bf16 loss curve follows the fp32 one within
// kBf16LossTolerance, and the fast mode (channels-last, autotuning) matches fp32 to rounding.
// NERVE_MTL_TEST_DEVICE=cuda runs it on a GPU (tools/gpu_check.sh does).
TEST(TrainerTest, MixedPrecisionAndFastModeKeepTheLossCurve) {
  const char* device = std::getenv("NERVE_MTL_TEST_DEVICE");
  absl::StatusOr<Compute> base = ResolveCompute(device ? device : "cpu", "fp32", "true");
  ASSERT_TRUE(base.ok()) << base.status();
  std::ostringstream log;
  Experiment e = Tiny();
  e.mutable_training()->set_epochs(4);
  TrainOptions fp32 = Options(TempDir("fp32"), &log);
  fp32.compute = *base;
  TrainOptions bf16 = fp32;
  bf16.out_dir = TempDir("bf16");
  bf16.compute.precision = Precision::kBFloat16;
  TrainOptions fast = fp32;
  fast.out_dir = TempDir("fast");
  fast.compute.deterministic = false;
  absl::StatusOr<Result> r32 = TrainExperiment(e, fp32);
  absl::StatusOr<Result> r16 = TrainExperiment(e, bf16);
  absl::StatusOr<Result> rfast = TrainExperiment(e, fast);
  ApplyCompute(Compute());  // Back to the default for the other tests.
  ASSERT_TRUE(r32.ok()) << r32.status();
  ASSERT_TRUE(r16.ok()) << r16.status();
  ASSERT_TRUE(rfast.ok()) << rfast.status();
  const std::string d = base->device.str();
  EXPECT_EQ(r32->environment().device(), d + " fp32 deterministic");
  EXPECT_EQ(r16->environment().device(), d + " bf16 deterministic");
  EXPECT_EQ(rfast->environment().device(), d + " fp32 channels-last autotuned");
  ASSERT_EQ(r16->epoch_size(), r32->epoch_size());
  ASSERT_EQ(rfast->epoch_size(), r32->epoch_size());
  for (int i = 0; i < r32->epoch_size(); ++i) {
    const double loss = r32->epoch(i).train_loss();
    EXPECT_NEAR(r16->epoch(i).train_loss(), loss, kBf16LossTolerance * loss) << "epoch " << i;
    // TF32 convolutions on a GPU round like bf16 accumulations would. On the CPU, LibTorch 1.13
    // is exact and 2.x's channels-last kernels are not (common/torch_compat.h).
    EXPECT_NEAR(rfast->epoch(i).train_loss(), loss,
                (base->cuda() ? 1e-2 : kCpuFastModeLossTolerance) * loss)
        << "epoch " << i;
  }
}

TEST(TrainerTest, KilledRunResumesToTheSameResult) {
  std::ostringstream log;
  const std::string whole = TempDir("whole"), split = TempDir("split");
  absl::StatusOr<Result> uninterrupted = TrainExperiment(Tiny(), Options(whole, &log));
  ASSERT_TRUE(uninterrupted.ok()) << uninterrupted.status();

  TrainOptions first = Options(split, &log);
  first.max_epochs_this_call = 2;
  absl::StatusOr<Result> cut = TrainExperiment(Tiny(), first);
  ASSERT_EQ(cut.status().code(), absl::StatusCode::kCancelled) << cut.status();
  ASSERT_TRUE(std::filesystem::exists(split + "/checkpoint.pt"));
  absl::StatusOr<Result> resumed = TrainExperiment(Tiny(), Options(split, &log));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_THAT(log.str(), HasSubstr("resuming after epoch 2"));

  ExpectSameWeights(whole + "/best_model.pt", split + "/best_model.pt", *uninterrupted);
  ASSERT_EQ(resumed->epoch_size(), 3);
  EXPECT_EQ(resumed->epoch(2).train_loss(), uninterrupted->epoch(2).train_loss());
  EXPECT_EQ(resumed->test().dice(), uninterrupted->test().dice());

  // A checkpoint of another experiment is not silently reused.
  Experiment other = Tiny();
  other.set_seed(4);
  absl::StatusOr<Result> mismatch = TrainExperiment(other, Options(split, &log));
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(mismatch.status().message(), HasSubstr("belongs to trial"));
}

// Soft sharing, tiny: two train patients of 6 images, so a batch of 64 is one step per epoch.
constexpr char kSoftTiny[] = R"pb(
  name: "soft"
  data {
    phantom { patients: 4 images_per_patient: 6 }
    height: 32
    width: 32
  }
  model { name: "softquickfcn" filters: 4 kernel_size: 3 depth: 2 }
  loss { strategy: "linear" }
  training { epochs: 1 batch_size: 64 pretrain_epochs: 1 loader_workers: 1 overlay_images: 0 }
  seed: 3
)pb";

// Every alpha of the soft-sharing model in `dir`'s checkpoint (the last epoch's weights), by
// name ("cross_stitch.0.alpha_ss", ...).
std::vector<std::pair<std::string, at::Tensor>> CheckpointAlphas(const std::string& dir,
                                                                 const Result& result) {
  auto model = models::CreateModel(result.experiment().model());
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  torch::serialize::InputArchive archive, weights;
  archive.load_from(dir + "/checkpoint.pt");
  archive.read("model", weights);
  (*model)->load(weights);
  std::vector<std::pair<std::string, at::Tensor>> alphas;
  for (const auto& item : (*model)->named_parameters()) {
    if (item.key().rfind("cross_stitch.", 0) == 0) alphas.emplace_back(item.key(), item.value());
  }
  return alphas;
}

// Adam's first step moves each parameter by lr * g / (|g| + 1e-8): by the group's rate wherever
// the gradient is not vanishing. So after one step the largest move of an alpha from its init
// (0.9 for ss and cc, 0.1 for sc and cs) is the alpha group's rate, 0.01, whatever the base rate
// (with a multiple of the base rate it was 250 x 5e-3 = 1.25 and 250 x 1e-4 = 0.025).
TEST(TrainerTest, CrossStitchAlphasTrainAtTheirAbsoluteRate) {
  for (const double base : {5e-3, 1e-4}) {
    SCOPED_TRACE(base);
    Experiment e;
    ASSERT_TRUE(ParseTextProto(kSoftTiny, "kSoftTiny", &e).ok());
    e.mutable_training()->set_learning_rate(base);
    const std::string dir = TempDir("alpha_rate");
    std::ostringstream log;
    TrainOptions options = Options(dir, &log);
    options.tensorboard = false;
    absl::StatusOr<Result> r = TrainExperiment(e, options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_DOUBLE_EQ(r->experiment().model().cross_stitch_learning_rate(), 0.01);
    const auto alphas = CheckpointAlphas(dir, *r);
    ASSERT_EQ(alphas.size(), 3u * 4u);
    double largest = 0.0;
    for (const auto& [name, alpha] : alphas) {
      const bool self =
          name.find("alpha_ss") != std::string::npos || name.find("alpha_cc") != std::string::npos;
      const double move = (alpha - (self ? 0.9 : 0.1)).abs().max().item<double>();
      EXPECT_LE(move, 0.01 + 1e-6) << name;
      largest = std::max(largest, move);
    }
    EXPECT_NEAR(largest, 0.01, 1e-4);
  }
}

// The bound issue 9 sets for the committed study: every alpha within [-1, 2] after training at
// the default study's base rate 5e-3, over as many steps as its soft-sharing rows take (200
// training images in batches of 8, 8 epochs: 200 steps), from the original's uniform init. At
// the old 250 x 5e-3 = 1.25 per step, one step could leave that range.
TEST(TrainerTest, CrossStitchAlphasStayBoundedAtTheDefaultStudysRate) {
  Experiment e;
  ASSERT_TRUE(ParseTextProto(kSoftTiny, "kSoftTiny", &e).ok());
  e.mutable_data()->mutable_phantom()->set_patients(12);
  e.mutable_data()->mutable_phantom()->set_images_per_patient(20);
  e.mutable_model()->set_cross_stitch_init(models::CROSS_STITCH_UNIFORM);
  TrainingSpec& training = *e.mutable_training();
  training.set_learning_rate(5e-3);
  training.set_epochs(8);
  training.set_batch_size(8);
  const std::string dir = TempDir("alpha_bound");
  std::ostringstream log;
  TrainOptions options = Options(dir, &log);
  options.tensorboard = false;
  absl::StatusOr<Result> r = TrainExperiment(e, options);
  ASSERT_TRUE(r.ok()) << r.status();
  const auto alphas = CheckpointAlphas(dir, *r);
  ASSERT_EQ(alphas.size(), 3u * 4u);
  for (const auto& [name, alpha] : alphas) {
    EXPECT_GE(alpha.min().item<double>(), -1.0) << name;
    EXPECT_LE(alpha.max().item<double>(), 2.0) << name;
  }
}

TEST(TrainerTest, NonFiniteLossStopsWithEpochAndStep) {
  Experiment e = Tiny();
  // Inputs near float's limit overflow the first convolution.
  e.mutable_data()->mutable_normalization()->set_mode(data::NORMALIZATION_FIXED);
  e.mutable_data()->mutable_normalization()->set_std(1e-37);
  std::ostringstream log;
  absl::StatusOr<Result> r = TrainExperiment(e, Options(TempDir("nan"), &log));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kAborted) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("epoch 1 step "));
  EXPECT_THAT(r.status().message(), HasSubstr("loss is"));
}

TEST(TrainerTest, WritesTensorBoardEvents) {
  std::ostringstream log;
  Experiment e = Tiny();
  e.mutable_training()->set_epochs(1);
  const std::string dir = TempDir("events");
  ASSERT_TRUE(TrainExperiment(e, Options(dir, &log)).ok());
  std::string file;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/events")) {
    file = entry.path().string();
  }
  ASSERT_THAT(file, HasSubstr("tfevents"));
  absl::StatusOr<std::vector<tensorboard::Event>> events = tensorboard::ReadEventFile(file);
  ASSERT_TRUE(events.ok()) << events.status();
  std::set<std::string> tags;
  for (const auto& event : *events) {
    for (const auto& value : event.summary().value()) tags.insert(value.tag());
  }
  for (const char* tag : {"loss/train", "loss/segmentation", "loss/classification",
                          "task_weight/classification", "val/dice", "val/accuracy",
                          "learning_rate"}) {
    EXPECT_TRUE(tags.count(tag)) << tag;
  }
  bool overlay = false, histogram = false;
  for (const std::string& tag : tags) {
    overlay |= tag.rfind("overlay/", 0) == 0;
    histogram |= tag.rfind("weights/", 0) == 0;
  }
  EXPECT_TRUE(overlay);
  EXPECT_TRUE(histogram);
}

TEST(TrainerTest, BadSpecsAreRefusedBeforeAnythingRuns) {
  std::ostringstream log;
  Experiment e = Tiny();
  e.mutable_training()->set_epochs(0);
  const std::string dir = TempDir("bad");
  EXPECT_THAT(TrainExperiment(e, Options(dir, &log)).status().message(),
              HasSubstr("training.epochs must be >= 1"));
  Experiment classes = Tiny();
  classes.mutable_model()->set_classification_classes(5);
  EXPECT_THAT(TrainExperiment(classes, Options(dir, &log)).status().message(),
              HasSubstr("model.classification_classes is 5 but the data has 3 classes"));
  Experiment weights = Tiny();
  weights.mutable_loss()->mutable_cross_entropy()->add_class_weights(1.0);
  EXPECT_THAT(TrainExperiment(weights, Options(dir, &log)).status().message(),
              HasSubstr("class_weights has 1 values but the model has 3 classes"));
  Experiment unknown = Tiny();
  unknown.mutable_model()->set_name("transformer");
  EXPECT_THAT(TrainExperiment(unknown, Options(dir, &log)).status().message(),
              HasSubstr("unknown model 'transformer'"));
  EXPECT_FALSE(std::filesystem::exists(dir)) << "nothing written for a refused spec";
}

}  // namespace
}  // namespace nerve_mtl::study
