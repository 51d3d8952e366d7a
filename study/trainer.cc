#include "study/trainer.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/progress.h"
#include "data/loader.h"
#include "optim/adam.h"
#include "study/checkpoint_rule.h"
#include "study/components.h"
#include "study/environment.h"
#include "study/evaluation.h"
#include "study/metrics.h"
#include "study/pretraining.h"
#include "study/trainer_checkpoints.h"
#include "study/trainer_epoch.h"
#include "study/trainer_events.h"
#include "study/trainer_optimizer.h"
#include "study/trainer_setup.h"
#include "tensorboard/event_writer.h"
#include "trial/layout.h"

// TrainExperiment's seams each live in a file of their own (docs/DESIGN.md §2): setup
// (trainer_setup.h), pretraining (pretraining.h), optimiser groups (trainer_optimizer.h), one
// epoch (trainer_epoch.h), TensorBoard (trainer_events.h) and the files of a trial's directory
// (trainer_checkpoints.h); evaluation (evaluation.h) is shared with //study:predict.

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using models::MultitaskModelImpl;

// The trial's paths under options.out_dir.
struct TrialFiles {
  explicit TrialFiles(const std::string& dir)
      : checkpoint(trial::CheckpointFile(dir).string()),
        best(trial::BestModelFile(dir).string()),
        classifier(trial::BestClassifierFile(dir).string()) {}
  std::string checkpoint;
  std::string best;
  std::string classifier;
};

// Restores a killed run from its checkpoint: weights, optimiser, strategy, generator and the
// epochs so far, which it replays to a strategy that learns from the loss history (DWA).
absl::Status Resume(const TrialSetup& trial, const std::string& checkpoint_path,
                    optim::MultiTensorAdam& optimizer, std::ostream& log, Result* progress) {
  if (absl::Status s =
          LoadCheckpoint(checkpoint_path, *trial.model, optimizer, trial.strategy.get(), progress);
      !s.ok()) {
    return s;
  }
  if (progress->trial_id() != trial.trial_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(checkpoint_path, " belongs to trial ", progress->trial_id(), ", not ",
                     trial.trial_id, "; remove it or use another output directory"));
  }
  for (const EpochRecord& r : progress->epoch()) {
    if (trial.strategy) {
      trial.strategy->EndEpoch(
          std::vector<double>(r.train_task_loss().begin(), r.train_task_loss().end()));
    }
  }
  log << trial.resolved.name() << ": resuming after epoch " << progress->epoch_size() << std::endl;
  return absl::OkStatus();
}

// The best weights by `monitor` recorded in `progress` at `epoch`, or none yet.
BestWeights BestSoFar(const std::string& path, MonitorMetric monitor, int epoch,
                      const Result& progress) {
  double value = -std::numeric_limits<double>::infinity();
  for (const EpochRecord& r : progress.epoch()) {
    if (r.epoch() == epoch) value = MonitorValue(monitor, r);
  }
  return BestWeights(path, value, epoch);
}

// Weights go to the device after pretraining loaded any branches, before the optimiser sees
// them.
void PlaceOnDevice(MultitaskModelImpl& model, losses::MultitaskStrategy* strategy,
                   const Compute& compute) {
  PlaceModule(model, compute);
  if (strategy) {
    torch::NoGradGuard no_grad;
    for (const at::Tensor& p : strategy->parameters()) p.set_data(p.data().to(compute.device));
  }
}

// TensorBoard's writer under options.out_dir, or null when options.tensorboard is off.
absl::StatusOr<std::unique_ptr<tensorboard::EventWriter>> OpenEvents(const TrainOptions& options) {
  if (!options.tensorboard) return nullptr;
  return tensorboard::EventWriter::Create(trial::EventsDir(options.out_dir).string());
}

data::LoaderOptions TrainingLoaderOptions(const Experiment& resolved) {
  data::LoaderOptions loader_options;
  loader_options.batch_size = resolved.training().batch_size();
  loader_options.shuffle = true;
  loader_options.augment = true;
  loader_options.workers = resolved.training().loader_workers();
  loader_options.seed = resolved.seed();
  return loader_options;
}

// The result of the best epoch's weights (the segmentation metrics' only, under the per-task
// rule, whose classification metrics come from the best classifier's weights).
absl::StatusOr<Result> FinalResult(const TrialSetup& trial, const TrialFiles& files,
                                   const CheckpointRule& rule, const Result& progress,
                                   const Compute& compute) {
  MultitaskModelImpl& model = *trial.model;
  const data::LoadedData& data = trial.data;
  EvaluationOptions options;
  options.batch_size = trial.resolved.training().batch_size();
  auto evaluate = [&](const std::vector<int>& split) {
    return Evaluate(model, data.dataset, split, trial.resolved.data(), options, compute).metrics;
  };
  if (absl::Status s = LoadModelWeights(files.best, &model); !s.ok()) return s;
  Result result = progress;
  result.set_status(Result::OK);
  *result.mutable_experiment() = trial.resolved;
  if (absl::Status s = RecordComponents(&result); !s.ok()) return s;
  *result.mutable_val() = evaluate(data.split.val);
  *result.mutable_test() = evaluate(data.split.test);
  if (rule.separate_classification) {
    if (absl::Status s = LoadModelWeights(files.classifier, &model); !s.ok()) return s;
    const SplitMetrics val_c = evaluate(data.split.val);
    const SplitMetrics test_c = evaluate(data.split.test);
    *result.mutable_val() = CombineTasks(result.val(), val_c);
    *result.mutable_test() = CombineTasks(result.test(), test_c);
  }
  int64_t parameters = 0;
  for (const at::Tensor& p : model.parameters()) parameters += p.numel();
  result.set_parameters(parameters);
  double seconds = 0.0, images = 0.0;
  for (const EpochRecord& r : result.epoch()) {
    seconds += r.seconds();
    images += r.seconds() * r.images_per_second();
  }
  result.set_train_seconds(seconds);
  result.set_images_per_second(images / std::max(1e-9, seconds));
  *result.mutable_environment() = CurrentEnvironment();
  result.mutable_environment()->set_device(DescribeCompute(compute));
  return result;
}

}  // namespace

void SeedEverything(uint64_t seed) { torch::manual_seed(seed); }

absl::StatusOr<Result> TrainExperiment(const Experiment& experiment, const TrainOptions& options) {
  absl::StatusOr<TrialSetup> setup = SetUpTrial(experiment, options);
  if (!setup.ok()) return setup.status();
  const TrialSetup& trial = *setup;
  const Experiment& resolved = trial.resolved;
  const TrainingSpec& training = resolved.training();
  const Compute& compute = options.compute;
  MultitaskModelImpl& model = *trial.model;
  losses::MultitaskStrategy* strategy = trial.strategy.get();

  std::error_code error;
  fs::create_directories(options.out_dir, error);
  if (error) {
    return absl::PermissionDeniedError(absl::StrCat(options.out_dir, ": ", error.message()));
  }
  const TrialFiles files(options.out_dir);
  Result progress;
  const bool resuming = fs::exists(files.checkpoint);
  if (!resuming) {
    // Stale ones from a run killed before its first checkpoint.
    for (const std::string& path : {files.best, files.classifier}) fs::remove(path, error);
    if (absl::Status s = Pretrain(model, resolved, options); !s.ok()) return s;
    // The generator must not depend on whether pretraining ran or came from the cache.
    SeedEverything(resolved.seed());
  }

  PlaceOnDevice(model, strategy, compute);
  std::vector<double> multipliers;
  optim::MultiTensorAdam optimizer(ParameterGroups(model, strategy, training, &multipliers),
                                   torch::optim::AdamOptions(training.learning_rate()));
  if (resuming) {
    if (absl::Status s = Resume(trial, files.checkpoint, optimizer, *options.log, &progress);
        !s.ok()) {
      return s;
    }
  }
  progress.set_trial_id(trial.trial_id);

  absl::StatusOr<std::unique_ptr<tensorboard::EventWriter>> events = OpenEvents(options);
  if (!events.ok()) return events.status();
  data::BatchLoader train_loader(trial.data.dataset, trial.data.split.train, resolved.data(),
                                 TrainingLoaderOptions(resolved));
  const CheckpointRule rule =
      ChooseCheckpointRule(training.monitor(), model.segments(), model.classifies());
  EpochTrainer trainer(model, strategy, optimizer, resolved.loss(), compute);
  Progress bar(options.log, options.terminal);
  const std::string label = resolved.name().empty() ? resolved.model().name() : resolved.name();

  BestWeights best = BestSoFar(files.best, rule.primary, progress.best_epoch(), progress);
  BestWeights classifier =
      BestSoFar(files.classifier, MONITOR_ACCURACY, progress.classification_best_epoch(), progress);
  const int first_epoch = progress.epoch_size();
  for (int epoch = first_epoch; epoch < training.epochs(); ++epoch) {
    if (options.max_epochs_this_call > 0 && epoch - first_epoch >= options.max_epochs_this_call) {
      return absl::CancelledError(
          absl::StrCat(label, ": stopped after epoch ", epoch, " as asked; rerun to resume"));
    }
    if (training.early_stopping_patience() > 0 &&
        epoch - std::max(best.epoch(), classifier.epoch()) > training.early_stopping_patience()) {
      *options.log << label << ": early stop after epoch " << epoch << " (best " << best.epoch() + 1
                   << ")" << std::endl;
      break;
    }
    const double lr =
        training.learning_rate() * std::pow(training.lr_gamma(), epoch / training.lr_step_epochs());
    SetLearningRate(optimizer, multipliers, lr);
    absl::StatusOr<EpochLosses> losses =
        trainer.Train(epoch, training.epochs(), label, &train_loader, &bar);
    if (!losses.ok()) return losses.status();

    EvaluationOptions val_options;
    val_options.batch_size = training.batch_size();
    val_options.keep_images = training.overlay_images();  // For TensorBoard's overlays.
    const Evaluation val = Evaluate(model, trial.data.dataset, trial.data.split.val,
                                    resolved.data(), val_options, compute);
    const EpochRecord& record = *progress.add_epoch() =
        MakeEpochRecord(epoch, lr, *losses, model, strategy, val.metrics);
    LogEpoch(events->get(), record, model, trial.data.dataset, trial.data.split.val, val);

    const absl::StatusOr<bool> improved =
        best.Offer(MonitorValue(rule.primary, record), epoch, model);
    if (!improved.ok()) return improved.status();
    if (rule.separate_classification) {
      absl::StatusOr<bool> better =
          classifier.Offer(MonitorValue(MONITOR_ACCURACY, record), epoch, model);
      if (!better.ok()) return better.status();
    }
    if (model.classifies()) {
      progress.set_classification_best_epoch(rule.separate_classification ? classifier.epoch()
                                                                          : best.epoch());
    }
    progress.set_best_epoch(best.epoch());
    bar.Finish(absl::StrFormat(
        "loss %.4f%s%s%s  %.1f img/s", record.train_loss(),
        model.segments() ? absl::StrFormat("  val dice %.3f", record.val_dice()) : "",
        model.classifies() ? absl::StrFormat("  val acc %.3f", record.val_accuracy()) : "",
        *improved ? " (best)" : "", record.images_per_second()));
    if (absl::Status s = SaveCheckpoint(files.checkpoint, model, optimizer, strategy, progress);
        !s.ok()) {
      return s;
    }
  }
  return FinalResult(trial, files, rule, progress, compute);
}

}  // namespace nerve_mtl::study
