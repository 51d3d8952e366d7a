#include "study/trainer_epoch.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "losses/cross_entropy.h"
#include "losses/segmentation_loss.h"

namespace nerve_mtl::study {
namespace {

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

double EpochLosses::MeanLoss() const { return loss_sum / std::max<int64_t>(1, steps); }

std::vector<double> EpochLosses::MeanTaskLosses() const {
  std::vector<double> mean(losses::kNumTasks, 0.0);
  for (int t = 0; t < losses::kNumTasks; ++t) mean[t] = task_sum[t] / std::max<int64_t>(1, steps);
  return mean;
}

EpochTrainer::EpochTrainer(models::MultitaskModelImpl& model, losses::MultitaskStrategy* strategy,
                           optim::MultiTensorAdam& optimizer, const losses::LossSpec& loss,
                           const Compute& compute)
    : model_(model), strategy_(strategy), optimizer_(optimizer), loss_(loss), compute_(compute) {
  context_.shared_parameters = model.shared_parameters();
  context_.last_shared_weight = model.last_shared_weight();
}

absl::StatusOr<EpochLosses> EpochTrainer::Train(int epoch, int epochs, const std::string& label,
                                                data::BatchLoader* loader, Progress* bar) {
  if (strategy_ != nullptr) strategy_->StartEpoch(epoch, epochs);
  model_.train();
  loader->StartEpoch(epoch);
  bar->Start(absl::StrFormat("%s epoch %d/%d", label, epoch + 1, epochs), loader->size());
  const double start = Seconds();
  EpochLosses sums;
  while (auto batch = loader->Next()) {
    models::ModelOutput out;
    {
      AutocastScope autocast(compute_);
      out = model_.forward(PlaceImages(batch->images, compute_));
    }
    // The losses run in fp32 whatever the forward pass ran in.
    std::vector<at::Tensor> task_losses(losses::kNumTasks);
    if (model_.segments()) {
      task_losses[losses::kSegmentationTask] = losses::SegmentationLoss(
          out.segmentation.to(at::kFloat), batch->masks.to(compute_.device), loss_);
    }
    if (model_.classifies()) {
      task_losses[losses::kClassificationTask] = losses::ClassificationCrossEntropy(
          out.classification.to(at::kFloat), batch->labels.to(compute_.device),
          loss_.cross_entropy());
    }
    static const char* kTaskNames[] = {"segmentation", "classification"};
    for (int t = 0; t < losses::kNumTasks; ++t) {
      if (!task_losses[t].defined()) continue;
      const double v = task_losses[t].item<double>();
      if (!std::isfinite(v)) {
        bar->Finish("stopped");
        return absl::AbortedError(absl::StrCat("epoch ", epoch + 1, " step ", sums.steps + 1, ": ",
                                               kTaskNames[t], " loss is ", v));
      }
      sums.task_sum[t] += v;
    }
    optimizer_.zero_grad();
    double loss;
    if (strategy_ != nullptr) {
      // This step's, from the forward pass above (MGDA-UB).
      context_.shared_representation = model_.shared_representation();
      loss = strategy_->Backward(task_losses, context_);
      context_.shared_representation.clear();  // frees the step's feature maps now
    } else {
      const at::Tensor& only =
          task_losses[model_.segments() ? losses::kSegmentationTask : losses::kClassificationTask];
      only.backward();
      loss = only.item<double>();
    }
    if (!std::isfinite(loss)) {
      bar->Finish("stopped");
      return absl::AbortedError(
          absl::StrCat("epoch ", epoch + 1, " step ", sums.steps + 1, ": combined loss is ", loss));
    }
    optimizer_.step();
    sums.loss_sum += loss;
    ++sums.steps;
    sums.images += batch->images.size(0);
    bar->Update(sums.steps, absl::StrFormat("loss %.4f  %.1f img/s", sums.loss_sum / sums.steps,
                                            sums.images / std::max(1e-9, Seconds() - start)));
  }
  sums.seconds = Seconds() - start;
  if (strategy_ != nullptr) strategy_->EndEpoch(sums.MeanTaskLosses());
  return sums;
}

EpochRecord MakeEpochRecord(int epoch, double learning_rate, const EpochLosses& losses,
                            models::MultitaskModelImpl& model,
                            const losses::MultitaskStrategy* strategy,
                            const SplitMetrics& val) {
  EpochRecord record;
  record.set_epoch(epoch);
  record.set_train_loss(losses.MeanLoss());
  for (double v : losses.MeanTaskLosses()) record.add_train_task_loss(v);
  const std::vector<double> weights =
      strategy != nullptr
          ? strategy->TaskWeights()
          : std::vector<double>{model.segments() ? 1.0 : 0.0, model.classifies() ? 1.0 : 0.0};
  for (double w : weights) record.add_task_weight(w);
  record.set_learning_rate(learning_rate);
  // An empty split sets no task's metrics; its record says NaN, the mean of no images.
  constexpr double kNoImages = std::numeric_limits<double>::quiet_NaN();
  if (model.segments()) record.set_val_dice(val.has_dice() ? val.dice() : kNoImages);
  if (model.classifies()) {
    record.set_val_accuracy(val.has_accuracy() ? val.accuracy() : kNoImages);
  }
  for (const auto& [name, value] : model.diagnostics()) {
    (*record.mutable_diagnostics())[name] = value;
  }
  record.set_seconds(losses.seconds);
  record.set_images_per_second(losses.images / std::max(1e-9, losses.seconds));
  return record;
}

}  // namespace nerve_mtl::study
