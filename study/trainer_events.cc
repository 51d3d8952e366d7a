#include "study/trainer_events.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "data/mosaic.h"

namespace nerve_mtl::study {
namespace {

std::vector<double> Flatten(const std::vector<at::Tensor>& tensors) {
  std::vector<double> values;
  for (const at::Tensor& t : tensors) {
    const at::Tensor d = t.detach().to(at::kDouble).contiguous().view(-1);
    values.insert(values.end(), d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
  }
  return values;
}

}  // namespace

void LogEpoch(tensorboard::EventWriter* events, const EpochRecord& record,
              models::MultitaskModelImpl& model, const data::Dataset& dataset,
              const std::vector<int>& val, const Evaluation& evaluation) {
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
  for (size_t i = 0; model.segments() && i < evaluation.images.size(); ++i) {
    const data::Example& e = dataset.examples[val[i]];
    (void)events->AddImage(absl::StrCat("overlay/", e.id), step,
                           data::RenderOverlay(e.image, e.mask, evaluation.images[i].mask));
  }
  for (const auto& child : model.named_children()) {
    (void)events->AddHistogram(absl::StrCat("weights/", child.key()), step,
                               Flatten(child.value()->parameters()));
  }
  (void)events->Flush();
}

}  // namespace nerve_mtl::study
