// Every registered multitask strategy, the existing and the gradient-combining ones, trains
// QuickFCN through real training steps of the trainer: each task's mean training loss falls
// from the first epoch to the last, the recorded task weights are finite, and a rerun of the
// same spec gives bit-identical weights (every saved tensor equal) and identical records.
#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/textproto.h"
#include "gtest/gtest.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "study/trainer.h"

namespace nerve_mtl::study {
namespace {

// Small enough to train in seconds on 2 cores; 8 epochs for both losses to fall (in 4, plain
// MGDA had not yet moved the classification loss: it follows the smaller gradient first).
constexpr char kTiny[] = R"pb(
  data {
    phantom { patients: 4 images_per_patient: 6 }
    height: 32
    width: 32
  }
  model { name: "quickfcn" filters: 4 kernel_size: 3 depth: 2 }
  training { epochs: 8 batch_size: 4 learning_rate: 0.01 loader_workers: 1 overlay_images: 0 }
  seed: 5
)pb";

// A test name and its loss spec.
using NamedLoss = std::pair<std::string, std::string>;

// Every strategy, by loss spec; MGDA-UB is MGDA with upper_bound.
const std::vector<NamedLoss>& Strategies() {
  static const auto* strategies = new std::vector<NamedLoss>{
      {"linear", "strategy: 'linear'"},
      {"uncertainty", "strategy: 'uncertainty'"},
      {"scheduled", "strategy: 'scheduled'"},
      {"equal", "strategy: 'equal'"},
      {"dwa", "strategy: 'dwa'"},
      {"gradnorm", "strategy: 'gradnorm'"},
      {"pcgrad", "strategy: 'pcgrad'"},
      {"mgda", "strategy: 'mgda'"},
      {"mgda_l2", "strategy: 'mgda' mgda { normalization: L2 }"},
      {"mgda_ub", "strategy: 'mgda' mgda { upper_bound: true normalization: LOSS_PLUS }"},
      {"cagrad", "strategy: 'cagrad'"},
      {"nash_mtl", "strategy: 'nash_mtl'"},
      {"imtl_g", "strategy: 'imtl_g'"},
      {"rlw", "strategy: 'rlw'"},
  };
  return *strategies;
}

Experiment Tiny(const std::string& name, const std::string& loss) {
  Experiment e;
  absl::Status s = ParseTextProto(kTiny, "kTiny", &e);
  EXPECT_TRUE(s.ok()) << s;
  e.set_name(name);
  s = ParseTextProto(loss, name, e.mutable_loss());
  EXPECT_TRUE(s.ok()) << s;
  return e;
}

std::string TempDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// All parameters and buffers of a saved model of the result's spec.
std::vector<at::Tensor> SavedTensors(const std::string& path, const Result& result) {
  auto model = models::CreateModel(result.experiment().model());
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  torch::serialize::InputArchive archive;
  archive.load_from(path);
  (*model)->load(archive);
  std::vector<at::Tensor> tensors = (*model)->parameters();
  for (const at::Tensor& b : (*model)->buffers()) tensors.push_back(b);
  return tensors;
}

absl::StatusOr<Result> Train(const Experiment& experiment, const std::string& dir) {
  std::ostringstream log;
  TrainOptions options;
  options.out_dir = dir;
  options.log = &log;
  options.tensorboard = false;
  return TrainExperiment(experiment, options);
}

TEST(StrategiesTrainingTest, EveryStrategyIsCovered) {
  std::vector<std::string> covered;
  for (const auto& [name, loss] : Strategies()) {
    losses::LossSpec spec;
    ASSERT_TRUE(ParseTextProto(loss, name, &spec).ok());
    covered.push_back(spec.strategy());
  }
  for (const std::string& registered : losses::RegisteredStrategies()) {
    EXPECT_NE(std::find(covered.begin(), covered.end(), registered), covered.end())
        << registered << " is registered but not trained here";
  }
}

class StrategyTrainingTest : public testing::TestWithParam<NamedLoss> {};

TEST_P(StrategyTrainingTest, BothLossesFallAndARerunIsByteIdentical) {
  const auto& [name, loss] = GetParam();
  const Experiment experiment = Tiny(name, loss);
  const std::string a = TempDir(name + "_a"), b = TempDir(name + "_b");
  absl::StatusOr<Result> ra = Train(experiment, a);
  ASSERT_TRUE(ra.ok()) << ra.status();
  absl::StatusOr<Result> rb = Train(experiment, b);
  ASSERT_TRUE(rb.ok()) << rb.status();

  ASSERT_EQ(ra->epoch_size(), 8);
  const EpochRecord& first = ra->epoch(0);
  const EpochRecord& last = ra->epoch(ra->epoch_size() - 1);
  for (int t = 0; t < 2; ++t) {
    EXPECT_LT(last.train_task_loss(t), first.train_task_loss(t))
        << name << " task " << t << ": " << first.train_task_loss(t) << " -> "
        << last.train_task_loss(t);
  }
  for (const EpochRecord& e : ra->epoch()) {
    ASSERT_EQ(e.task_weight_size(), 2);
    for (double w : e.task_weight()) EXPECT_TRUE(std::isfinite(w) && w >= 0.0) << name << " " << w;
  }

  // The rerun: same records and bit-identical weights.
  ASSERT_EQ(rb->epoch_size(), ra->epoch_size());
  for (int e = 0; e < ra->epoch_size(); ++e) {
    EXPECT_EQ(ra->epoch(e).train_loss(), rb->epoch(e).train_loss()) << name << " epoch " << e;
    for (int t = 0; t < 2; ++t) {
      EXPECT_EQ(ra->epoch(e).train_task_loss(t), rb->epoch(e).train_task_loss(t));
      EXPECT_EQ(ra->epoch(e).task_weight(t), rb->epoch(e).task_weight(t));
    }
    EXPECT_EQ(ra->epoch(e).val_dice(), rb->epoch(e).val_dice());
    EXPECT_EQ(ra->epoch(e).val_accuracy(), rb->epoch(e).val_accuracy());
  }
  const std::vector<at::Tensor> wa = SavedTensors(a + "/best_model.pt", *ra);
  const std::vector<at::Tensor> wb = SavedTensors(b + "/best_model.pt", *rb);
  ASSERT_EQ(wa.size(), wb.size());
  ASSERT_FALSE(wa.empty());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(at::equal(wa[i], wb[i])) << name << " tensor " << i;
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}

INSTANTIATE_TEST_SUITE_P(AllStrategies, StrategyTrainingTest, testing::ValuesIn(Strategies()),
                         [](const testing::TestParamInfo<NamedLoss>& info) {
                           return info.param.first;
                         });

TEST(StrategiesTrainingTest, MgdaUbRefusesSoftSharingBeforeTraining) {
  Experiment experiment = Tiny("softquickfcn_mgda_ub", "strategy: 'mgda' mgda { upper_bound: true }");
  experiment.mutable_model()->set_name("softquickfcn");
  experiment.mutable_training()->set_pretrain_epochs(1);
  const std::string dir = TempDir("softquickfcn_mgda_ub");
  absl::StatusOr<Result> result = Train(experiment, dir);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(),
            "loss.mgda: weights from the shared representation need a model that exposes one, "
            "and model 'softquickfcn' does not");
  EXPECT_FALSE(std::filesystem::exists(dir + "/checkpoint.pt"));
}

}  // namespace
}  // namespace nerve_mtl::study
