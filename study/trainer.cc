#include "study/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/nn/module.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/publish.h"
#include "data/image_io.h"
#include "data/load.h"
#include "data/loader.h"
#include "data/mosaic.h"
#include "data/near_duplicates.h"
#include "google/protobuf/text_format.h"
#include "losses/cross_entropy.h"
#include "losses/segmentation_loss.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "optim/adam.h"
#include "reports/event_writer.h"
#include "study/environment.h"
#include "study/checkpoint_rule.h"
#include "study/metrics.h"
#include "study/split_metrics.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using models::MultitaskModelImpl;

constexpr char kCheckpoint[] = "checkpoint.pt";
constexpr char kBestModel[] = "best_model.pt";
// The best-accuracy weights of a multitask model under the per-task rule (checkpoint_rule.h).
constexpr char kBestClassifier[] = "best_classifier.pt";
constexpr char kResultFile[] = "result.textproto";

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Saves through a temporary file and a rename, so a kill never leaves a torn file.
absl::Status SaveArchive(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::string tmp = path + ".tmp";
  try {
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    return absl::InternalError(absl::StrCat(tmp, ": ", e.what_without_backtrace()));
  }
  std::error_code error;
  fs::rename(tmp, path, error);
  if (error) return absl::InternalError(absl::StrCat(path, ": ", error.message()));
  return absl::OkStatus();
}

at::Tensor BytesToTensor(const std::string& bytes) {
  return at::from_blob(const_cast<char*>(bytes.data()), {static_cast<int64_t>(bytes.size())},
                       at::kByte)
      .clone();
}

std::string TensorToBytes(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.numel());
}

// Where a model's weights are: files load there, since loading elsewhere would move them
// (InputArchive::read replaces a tensor's data when the devices differ).
c10::Device DeviceOf(MultitaskModelImpl& model) {
  const std::vector<at::Tensor> parameters = model.parameters();
  return parameters.empty() ? c10::Device(c10::kCPU) : parameters[0].device();
}

struct Evaluation {
  EvaluationMetrics metrics;
  std::vector<int> true_labels;
  std::vector<int> predicted_labels;
  std::vector<data::Mask> predicted_masks;  // The first `keep_masks` images.
};

Evaluation Evaluate(MultitaskModelImpl& model, const data::Dataset& dataset,
                    const std::vector<int>& indices, const data::DataSpec& spec, int batch_size,
                    int keep_masks, const Compute& compute) {
  torch::NoGradGuard no_grad;
  model.eval();
  data::LoaderOptions options;
  options.batch_size = batch_size;
  data::BatchLoader loader(dataset, indices, spec, options);
  MetricsAccumulator accumulator(static_cast<int>(dataset.class_names.size()));
  Evaluation evaluation;
  const int h = spec.height(), w = spec.width();
  while (auto batch = loader.Next()) {
    models::ModelOutput out;
    {
      AutocastScope autocast(compute);
      out = model.forward(PlaceImages(batch->images, compute));
    }
    at::Tensor masks, labels;
    if (out.segmentation.defined()) {
      masks = out.segmentation.argmax(1).ne(0).to(at::kCPU, at::kByte).contiguous();
    }
    if (out.classification.defined()) {
      labels = out.classification.argmax(1).to(at::kCPU).contiguous();
    }
    for (int64_t i = 0; i < batch->images.size(0); ++i) {
      const data::Example& e = dataset.examples[batch->indices[i]];
      ImagePrediction p;
      p.id = e.id;
      p.patient = e.patient;
      p.height = h;
      p.width = w;
      p.true_label = e.label;
      if (masks.defined()) {
        const uint8_t* m = masks.data_ptr<uint8_t>() + i * h * w;
        p.predicted_mask.assign(m, m + h * w);
        p.true_mask = e.mask.pixels;
        if (static_cast<int>(evaluation.predicted_masks.size()) < keep_masks) {
          data::Mask mask(h, w);
          mask.pixels = p.predicted_mask;
          evaluation.predicted_masks.push_back(std::move(mask));
        }
      }
      if (labels.defined()) p.predicted_label = static_cast<int>(labels[i].item<int64_t>());
      evaluation.true_labels.push_back(p.true_label);
      evaluation.predicted_labels.push_back(p.predicted_label);
      accumulator.Add(p);
    }
  }
  evaluation.metrics = accumulator.Finish();
  return evaluation;
}

SplitMetrics ToSplit(const Evaluation& e) {
  return ToSplitMetrics(e.metrics, e.true_labels, e.predicted_labels);
}

// Optimiser parameter groups: the model's plain parameters at the base rate, each of the
// model's special groups (cross-stitch alphas) at its absolute rate or its multiple of the base
// rate, the strategy's own parameters at their multiple. `multipliers` receives each group's
// rate as a multiple of the base rate, for the StepLR schedule, which so scales every group by
// gamma as PyTorch's does.
std::vector<torch::optim::OptimizerParamGroup> ParameterGroups(
    MultitaskModelImpl& model, losses::MultitaskStrategy* strategy, const TrainingSpec& training,
    std::vector<double>* multipliers) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto add = [&](std::vector<at::Tensor> params, double multiplier, double weight_decay) {
    if (params.empty()) return;
    auto options = std::make_unique<torch::optim::AdamOptions>(training.learning_rate() *
                                                               multiplier);
    options->weight_decay(weight_decay).amsgrad(training.amsgrad());
    groups.emplace_back(std::move(params), std::move(options));
    multipliers->push_back(multiplier);
  };
  std::unordered_set<const void*> special;
  const std::vector<models::ParameterGroup> model_groups = model.parameter_groups();
  for (const models::ParameterGroup& g : model_groups) {
    for (const at::Tensor& p : g.parameters) special.insert(p.unsafeGetTensorImpl());
  }
  std::vector<at::Tensor> base;
  for (const at::Tensor& p : model.parameters()) {
    if (!special.count(p.unsafeGetTensorImpl())) base.push_back(p);
  }
  add(base, 1.0, training.weight_decay());
  for (const models::ParameterGroup& g : model_groups) {
    add(g.parameters,
        g.learning_rate ? *g.learning_rate / training.learning_rate() : g.lr_multiplier, 0.0);
  }
  if (strategy != nullptr) add(strategy->parameters(), strategy->lr_multiplier(), 0.0);
  return groups;
}

void SetLearningRate(optim::MultiTensorAdam& optimizer, const std::vector<double>& multipliers,
                     double lr) {
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    static_cast<torch::optim::AdamOptions&>(optimizer.param_groups()[g].options())
        .lr(lr * multipliers[g]);
  }
}

absl::Status SaveCheckpoint(const std::string& path, MultitaskModelImpl& model,
                            optim::MultiTensorAdam& optimizer, losses::MultitaskStrategy* strategy,
                            const Result& progress) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  if (strategy != nullptr) {
    const std::vector<at::Tensor> parameters = strategy->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      archive.write(absl::StrCat("strategy_", i), parameters[i].detach());
    }
    const std::vector<double> extra = strategy->extra_state();
    archive.write("strategy_extra",
                  at::tensor(at::ArrayRef<double>(extra.data(), extra.size()), at::kDouble));
  }
  archive.write("generator", at::detail::getDefaultCPUGenerator().get_state());
  std::string bytes;
  progress.SerializeToString(&bytes);
  archive.write("progress", BytesToTensor(bytes));
  return SaveArchive(archive, path);
}

absl::Status LoadCheckpoint(const std::string& path, MultitaskModelImpl& model,
                            optim::MultiTensorAdam& optimizer, losses::MultitaskStrategy* strategy,
                            Result* progress) {
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(path, DeviceOf(model));
    archive.read("model", model_archive);
    model.load(model_archive);
    archive.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
    if (strategy != nullptr) {
      torch::NoGradGuard no_grad;
      std::vector<at::Tensor> parameters = strategy->parameters();
      for (size_t i = 0; i < parameters.size(); ++i) {
        at::Tensor saved;
        archive.read(absl::StrCat("strategy_", i), saved);
        parameters[i].copy_(saved);
      }
      at::Tensor extra;
      archive.read("strategy_extra", extra);
      extra = extra.to(at::kCPU).contiguous();
      strategy->set_extra_state(
          std::vector<double>(extra.data_ptr<double>(), extra.data_ptr<double>() + extra.numel()));
    }
    at::Tensor generator, bytes;
    archive.read("generator", generator);
    at::Generator default_generator = at::detail::getDefaultCPUGenerator();  // a handle
    default_generator.set_state(generator.to(at::kCPU));
    archive.read("progress", bytes);
    if (!progress->ParseFromString(TensorToBytes(bytes.to(at::kCPU)))) {
      return absl::DataLossError(absl::StrCat(path, ": unreadable progress record"));
    }
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what_without_backtrace()));
  }
  return absl::OkStatus();
}

std::vector<double> Flatten(const std::vector<at::Tensor>& tensors) {
  std::vector<double> values;
  for (const at::Tensor& t : tensors) {
    const at::Tensor d = t.detach().to(at::kDouble).contiguous().view(-1);
    values.insert(values.end(), d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
  }
  return values;
}

// One epoch's TensorBoard record: losses, metrics, task weights, learning rate, diagnostics,
// prediction overlays and one weight histogram per top-level module.
void LogEpoch(reports::EventWriter* events, const EpochRecord& record, MultitaskModelImpl& model,
              const data::Dataset& dataset, const std::vector<int>& val,
              const Evaluation& evaluation) {
  if (events == nullptr) return;
  const int64_t step = record.epoch();
  static const char* kTasks[] = {"segmentation", "classification"};
  (void)events->AddScalar("loss/train", step, record.train_loss());
  for (int t = 0; t < record.train_task_loss_size(); ++t) {
    (void)events->AddScalar(absl::StrCat("loss/", kTasks[t]), step, record.train_task_loss(t));
  }
  for (int t = 0; t < record.task_weight_size(); ++t) {
    (void)events->AddScalar(absl::StrCat("task_weight/", kTasks[t]), step, record.task_weight(t));
  }
  if (model.segments()) (void)events->AddScalar("val/dice", step, record.val_dice());
  if (model.classifies()) (void)events->AddScalar("val/accuracy", step, record.val_accuracy());
  (void)events->AddScalar("learning_rate", step, record.learning_rate());
  (void)events->AddScalar("images_per_second", step, record.images_per_second());
  for (const auto& [name, value] : record.diagnostics()) {
    (void)events->AddScalar(name, step, value);
  }
  for (size_t i = 0; i < evaluation.predicted_masks.size(); ++i) {
    const data::Example& e = dataset.examples[val[i]];
    (void)events->AddImage(absl::StrCat("overlay/", e.id), step,
                           data::RenderOverlay(e.image, e.mask, evaluation.predicted_masks[i]));
  }
  for (const auto& child : model.named_children()) {
    (void)events->AddHistogram(absl::StrCat("weights/", child.key()), step,
                               Flatten(child.value()->parameters()));
  }
  (void)events->Flush();
}

absl::Status Pretrain(MultitaskModelImpl& model, const Experiment& resolved,
                      const TrainOptions& options) {
  const std::vector<models::ModelSpec> specs = model.pretraining_specs();
  if (specs.empty()) return absl::OkStatus();
  const std::string cache =
      options.pretrained_dir.empty() ? options.out_dir + "/pretrained" : options.pretrained_dir;
  std::vector<std::shared_ptr<MultitaskModelImpl>> pretrained;
  for (const models::ModelSpec& spec : specs) {
    Experiment pre = resolved;
    pre.set_name(absl::StrCat(spec.name(), " (pretraining)"));
    *pre.mutable_model() = spec;
    // A single-task branch ignores the multitask strategy: keep only the task losses' options,
    // so soft-sharing rows that differ only in strategy share their pretrained branches.
    losses::LossSpec task_losses;
    *task_losses.mutable_dice() = resolved.loss().dice();
    *task_losses.mutable_cross_entropy() = resolved.loss().cross_entropy();
    *pre.mutable_loss() = task_losses;
    TrainingSpec* training = pre.mutable_training();
    if (training->pretrain_epochs() > 0) training->set_epochs(training->pretrain_epochs());
    training->set_pretrain_epochs(0);
    training->set_monitor(MONITOR_METRIC_UNSPECIFIED);
    const std::string dir =
        absl::StrCat(cache, "/", spec.name(), "-", TrialId(pre));
    if (!fs::exists(fs::path(dir) / kResultFile)) {
      *options.log << "pretraining " << spec.name() << " for " << resolved.name() << " in "
                   << dir << std::endl;
      // Shards of a study may need this branch at the same moment, on other machines sharing
      // the results folder: each trains into a folder of its own, and the first to rename it
      // into place wins (common/publish.h, docs/DESIGN.md §8).
      TrainOptions sub = options;
      sub.out_dir = PrivateSibling(dir);
      sub.pretrained_dir = cache;
      absl::StatusOr<Result> result = TrainExperiment(pre, sub);
      if (!result.ok()) {
        return absl::Status(result.status().code(),
                            absl::StrCat("pretraining ", spec.name(), ": ",
                                         result.status().message()));
      }
      if (absl::Status s = WriteResult(sub.out_dir, *result); !s.ok()) return s;
      absl::StatusOr<bool> published = PublishDirectory(sub.out_dir, dir, kResultFile);
      if (!published.ok()) return published.status();
    } else {
      *options.log << "using pretrained " << spec.name() << " from " << dir << std::endl;
    }
    absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> branch = models::CreateModel(spec);
    if (!branch.ok()) return branch.status();
    if (absl::Status s = LoadModelWeights((fs::path(dir) / kBestModel).string(), branch->get()); !s.ok()) {
      return s;
    }
    pretrained.push_back(*branch);
  }
  return model.LoadPretrained(pretrained);
}

}  // namespace

void SeedEverything(uint64_t seed) { torch::manual_seed(seed); }

absl::Status LoadModelWeights(const std::string& path, MultitaskModelImpl* model) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, DeviceOf(*model));
    model->load(archive);
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what_without_backtrace()));
  }
  return absl::OkStatus();
}

absl::Status WriteResult(const std::string& dir, const Result& result) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat(dir, ": ", error.message()));
  // The resolved spec first: a result file, when present, always has its spec beside it.
  const std::pair<const char*, const google::protobuf::Message*> files[] = {
      {"experiment.textproto", &result.experiment()}, {kResultFile, &result}};
  for (const auto& [name, message] : files) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(*message, &text);
    if (absl::Status s = WriteFileAtomically((fs::path(dir) / name).string(), text); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Result> TrainExperiment(const Experiment& experiment,
                                       const TrainOptions& options) {
  if (absl::Status s = ValidateExperiment(experiment); !s.ok()) return s;
  Experiment resolved = ResolveExperiment(experiment);
  const std::string trial_id = TrialId(experiment);

  absl::StatusOr<data::LoadedData> data = data::LoadData(resolved.data());
  if (!data.ok()) return data.status();
  // Near-duplicate groups decide the split: the user should see them (empty when grouping is off).
  for (const std::string& line : data::DescribeGrouping(data->grouping)) {
    *options.log << line << "\n";
  }
  const int classes = static_cast<int>(data->dataset.class_names.size());
  if (experiment.model().has_classification_classes() &&
      experiment.model().classification_classes() != classes) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.classification_classes is ", experiment.model().classification_classes(),
                     " but the data has ", classes, " classes"));
  }
  resolved = SavedExperiment(experiment, classes);  // What experiment.textproto says.
  // Taken after that assignment, which swaps in the new message's parts: a reference taken
  // before it would point into a destroyed temporary.
  const TrainingSpec& training = resolved.training();

  const Compute& compute = options.compute;
  ApplyCompute(compute);
  SeedEverything(resolved.seed());
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> created = models::CreateModel(resolved.model());
  if (!created.ok()) return created.status();
  MultitaskModelImpl& model = **created;
  const bool multitask = model.segments() && model.classifies();
  std::unique_ptr<losses::MultitaskStrategy> strategy;
  if (multitask) {
    absl::StatusOr<std::unique_ptr<losses::MultitaskStrategy>> s =
        losses::CreateStrategy(resolved.loss());
    if (!s.ok()) return s.status();
    strategy = *std::move(s);
    if (absl::Status fits = losses::CheckStrategyFitsModel(resolved.loss(), *strategy,
                                                           resolved.model().name(),
                                                           model.exposes_shared_representation());
        !fits.ok()) {
      return fits;
    }
  }
  if (absl::Status s = losses::ValidateSegmentationLoss(resolved.loss()); !s.ok()) return s;
  if (model.classifies()) {
    if (absl::Status s = losses::ValidateCrossEntropyOptions(resolved.loss().cross_entropy(), classes);
        !s.ok()) {
      return s;
    }
  }

  std::error_code error;
  fs::create_directories(options.out_dir, error);
  if (error) return absl::PermissionDeniedError(absl::StrCat(options.out_dir, ": ", error.message()));

  const std::string checkpoint_path = (fs::path(options.out_dir) / kCheckpoint).string();
  const std::string best_path = (fs::path(options.out_dir) / kBestModel).string();
  const std::string classifier_path = (fs::path(options.out_dir) / kBestClassifier).string();
  Result progress;
  const bool resuming = fs::exists(checkpoint_path);
  if (!resuming) {
    // Stale ones from a run killed before its first checkpoint.
    for (const std::string& path : {best_path, classifier_path}) fs::remove(path, error);
    if (absl::Status s = Pretrain(model, resolved, options); !s.ok()) return s;
    // The generator must not depend on whether pretraining ran or came from the cache.
    SeedEverything(resolved.seed());
  }

  // Weights go to the device after pretraining loaded any branches, before the optimiser sees them.
  PlaceModule(model, compute);
  if (strategy) {
    torch::NoGradGuard no_grad;
    for (const at::Tensor& p : strategy->parameters()) p.set_data(p.data().to(compute.device));
  }
  std::vector<double> multipliers;
  optim::MultiTensorAdam optimizer(ParameterGroups(model, strategy.get(), training, &multipliers),
                                   torch::optim::AdamOptions(training.learning_rate()));
  if (resuming) {
    if (absl::Status s = LoadCheckpoint(checkpoint_path, model, optimizer, strategy.get(), &progress);
        !s.ok()) {
      return s;
    }
    if (progress.trial_id() != trial_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          checkpoint_path, " belongs to trial ", progress.trial_id(), ", not ", trial_id,
          "; remove it or use another output directory"));
    }
    // DWA-like strategies learn from the loss history: replay it.
    for (const EpochRecord& r : progress.epoch()) {
      if (strategy) {
        strategy->EndEpoch(std::vector<double>(r.train_task_loss().begin(), r.train_task_loss().end()));
      }
    }
    *options.log << resolved.name() << ": resuming after epoch " << progress.epoch_size()
                 << std::endl;
  }
  progress.set_trial_id(trial_id);

  std::unique_ptr<reports::EventWriter> events;
  if (options.tensorboard) {
    absl::StatusOr<std::unique_ptr<reports::EventWriter>> writer =
        reports::EventWriter::Create((fs::path(options.out_dir) / "events").string());
    if (!writer.ok()) return writer.status();
    events = *std::move(writer);
  }

  data::LoaderOptions loader_options;
  loader_options.batch_size = training.batch_size();
  loader_options.shuffle = true;
  loader_options.augment = true;
  loader_options.workers = training.loader_workers();
  loader_options.seed = resolved.seed();
  data::BatchLoader train_loader(data->dataset, data->split.train, resolved.data(),
                                 loader_options);
  const CheckpointRule rule =
      ChooseCheckpointRule(training.monitor(), model.segments(), model.classifies());
  losses::BackwardContext context;
  context.shared_parameters = model.shared_parameters();
  context.last_shared_weight = model.last_shared_weight();
  Progress bar(options.log, options.terminal);
  const std::string label = resolved.name().empty() ? resolved.model().name() : resolved.name();

  int best_epoch = progress.best_epoch();
  int classifier_epoch = progress.classification_best_epoch();
  double best_value = -std::numeric_limits<double>::infinity(), classifier_value = best_value;
  for (const EpochRecord& r : progress.epoch()) {
    if (r.epoch() == best_epoch) best_value = MonitorValue(rule.primary, r);
    if (r.epoch() == classifier_epoch) classifier_value = MonitorValue(MONITOR_ACCURACY, r);
  }
  // Saves the weights to `path` when `value` beats `*best` (or nothing was saved yet).
  auto keep_if_better = [&](double value, double* best, int* epoch_of_best, int epoch,
                            const std::string& path) -> absl::StatusOr<bool> {
    if (!(value > *best) && fs::exists(path)) return false;
    *best = value;
    *epoch_of_best = epoch;
    torch::serialize::OutputArchive archive;
    model.save(archive);
    if (absl::Status s = SaveArchive(archive, path); !s.ok()) return s;
    return true;
  };
  const int first_epoch = progress.epoch_size();
  for (int epoch = first_epoch; epoch < training.epochs(); ++epoch) {
    if (options.max_epochs_this_call > 0 && epoch - first_epoch >= options.max_epochs_this_call) {
      return absl::CancelledError(absl::StrCat(label, ": stopped after epoch ", epoch,
                                               " as asked; rerun to resume"));
    }
    if (training.early_stopping_patience() > 0 &&
        epoch - std::max(best_epoch, classifier_epoch) > training.early_stopping_patience()) {
      *options.log << label << ": early stop after epoch " << epoch << " (best " << best_epoch + 1
                   << ")" << std::endl;
      break;
    }
    const double lr = training.learning_rate() *
                      std::pow(training.lr_gamma(), epoch / training.lr_step_epochs());
    SetLearningRate(optimizer, multipliers, lr);
    if (strategy) strategy->StartEpoch(epoch, training.epochs());
    model.train();
    train_loader.StartEpoch(epoch);
    bar.Start(absl::StrFormat("%s epoch %d/%d", label, epoch + 1, training.epochs()),
              train_loader.size());
    const double start = Seconds();
    double loss_sum = 0.0;
    std::vector<double> task_sum(losses::kNumTasks, 0.0);
    int64_t steps = 0, images = 0;
    while (auto batch = train_loader.Next()) {
      models::ModelOutput out;
      {
        AutocastScope autocast(compute);
        out = model.forward(PlaceImages(batch->images, compute));
      }
      // The losses run in fp32 whatever the forward pass ran in.
      std::vector<at::Tensor> task_losses(losses::kNumTasks);
      if (model.segments()) {
        task_losses[losses::kSegmentationTask] = losses::SegmentationLoss(
            out.segmentation.to(at::kFloat), batch->masks.to(compute.device), resolved.loss());
      }
      if (model.classifies()) {
        task_losses[losses::kClassificationTask] = losses::ClassificationCrossEntropy(
            out.classification.to(at::kFloat), batch->labels.to(compute.device),
            resolved.loss().cross_entropy());
      }
      static const char* kTaskNames[] = {"segmentation", "classification"};
      for (int t = 0; t < losses::kNumTasks; ++t) {
        if (!task_losses[t].defined()) continue;
        const double v = task_losses[t].item<double>();
        if (!std::isfinite(v)) {
          bar.Finish("stopped");
          return absl::AbortedError(absl::StrCat("epoch ", epoch + 1, " step ", steps + 1, ": ",
                                                 kTaskNames[t], " loss is ", v));
        }
        task_sum[t] += v;
      }
      optimizer.zero_grad();
      double loss;
      if (multitask) {
        // This step's, from the forward pass above (MGDA-UB).
        context.shared_representation = model.shared_representation();
        loss = strategy->Backward(task_losses, context);
        context.shared_representation.clear();  // frees the step's feature maps now
      } else {
        const at::Tensor& only = task_losses[model.segments() ? losses::kSegmentationTask
                                                              : losses::kClassificationTask];
        only.backward();
        loss = only.item<double>();
      }
      if (!std::isfinite(loss)) {
        bar.Finish("stopped");
        return absl::AbortedError(
            absl::StrCat("epoch ", epoch + 1, " step ", steps + 1, ": combined loss is ", loss));
      }
      optimizer.step();
      loss_sum += loss;
      ++steps;
      images += batch->images.size(0);
      bar.Update(steps, absl::StrFormat("loss %.4f  %.1f img/s", loss_sum / steps,
                                        images / std::max(1e-9, Seconds() - start)));
    }
    const double seconds = Seconds() - start;
    std::vector<double> mean_task(losses::kNumTasks, 0.0);
    for (int t = 0; t < losses::kNumTasks; ++t) mean_task[t] = task_sum[t] / std::max<int64_t>(1, steps);
    if (strategy) strategy->EndEpoch(mean_task);

    const Evaluation val =
        Evaluate(model, data->dataset, data->split.val, resolved.data(), training.batch_size(),
                 training.overlay_images(), options.compute);
    EpochRecord* record = progress.add_epoch();
    record->set_epoch(epoch);
    record->set_train_loss(loss_sum / std::max<int64_t>(1, steps));
    for (double v : mean_task) record->add_train_task_loss(v);
    const std::vector<double> weights =
        strategy ? strategy->TaskWeights()
                 : std::vector<double>{model.segments() ? 1.0 : 0.0, model.classifies() ? 1.0 : 0.0};
    for (double w : weights) record->add_task_weight(w);
    record->set_learning_rate(lr);
    if (model.segments()) record->set_val_dice(val.metrics.dice);
    if (model.classifies()) record->set_val_accuracy(val.metrics.accuracy);
    for (const auto& [name, value] : model.diagnostics()) (*record->mutable_diagnostics())[name] = value;
    record->set_seconds(seconds);
    record->set_images_per_second(images / std::max(1e-9, seconds));
    LogEpoch(events.get(), *record, model, data->dataset, data->split.val, val);

    const absl::StatusOr<bool> improved = keep_if_better(MonitorValue(rule.primary, *record),
                                                         &best_value, &best_epoch, epoch, best_path);
    if (!improved.ok()) return improved.status();
    if (rule.separate_classification) {
      absl::StatusOr<bool> better = keep_if_better(MonitorValue(MONITOR_ACCURACY, *record),
                                                   &classifier_value, &classifier_epoch, epoch,
                                                   classifier_path);
      if (!better.ok()) return better.status();
    }
    if (model.classifies()) {
      progress.set_classification_best_epoch(rule.separate_classification ? classifier_epoch
                                                                          : best_epoch);
    }
    progress.set_best_epoch(best_epoch);
    bar.Finish(absl::StrFormat("loss %.4f%s%s%s  %.1f img/s", record->train_loss(),
                               model.segments() ? absl::StrFormat("  val dice %.3f", record->val_dice()) : "",
                               model.classifies() ? absl::StrFormat("  val acc %.3f", record->val_accuracy()) : "",
                               *improved ? " (best)" : "", record->images_per_second()));
    if (absl::Status s = SaveCheckpoint(checkpoint_path, model, optimizer, strategy.get(), progress);
        !s.ok()) {
      return s;
    }
  }

  // Report the best epoch's weights (the segmentation metrics' only, under the per-task rule).
  if (absl::Status s = LoadModelWeights(best_path, &model); !s.ok()) return s;
  Result result = progress;
  result.set_status(Result::OK);
  *result.mutable_experiment() = resolved;
  const Evaluation val = Evaluate(model, data->dataset, data->split.val, resolved.data(),
                                  training.batch_size(), 0, options.compute);
  const Evaluation test = Evaluate(model, data->dataset, data->split.test, resolved.data(),
                                   training.batch_size(), 0, options.compute);
  *result.mutable_val() = ToSplit(val);
  *result.mutable_test() = ToSplit(test);
  if (rule.separate_classification) {
    if (absl::Status s = LoadModelWeights(classifier_path, &model); !s.ok()) return s;
    const Evaluation val_c = Evaluate(model, data->dataset, data->split.val, resolved.data(),
                                      training.batch_size(), 0, options.compute);
    const Evaluation test_c = Evaluate(model, data->dataset, data->split.test, resolved.data(),
                                       training.batch_size(), 0, options.compute);
    *result.mutable_val() = CombineTasks(result.val(), ToSplit(val_c));
    *result.mutable_test() = CombineTasks(result.test(), ToSplit(test_c));
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

}  // namespace nerve_mtl::study
