#include "models/test_util.h"

#include <ATen/Functions.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"

namespace nerve_mtl::models::model_testing {
namespace {

using ::testing::HasSubstr;

// Dice of the argmax foreground against the masks.
double HardDice(const torch::Tensor& logits, const torch::Tensor& masks) {
  const torch::Tensor predicted = logits.argmax(1) == 1;
  const torch::Tensor truth = masks == 1;
  const double overlap = (predicted & truth).sum().item<double>();
  return 2.0 * overlap / (predicted.sum().item<double>() + truth.sum().item<double>());
}

double Accuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  return (logits.argmax(1) == labels).to(at::kFloat).mean().item<double>();
}

// Cross-entropy plus soft Dice of the foreground for a segmentation, cross-entropy for a
// classification, summed over what the model predicts.
torch::Tensor Loss(const ModelOutput& out, const Batch& batch) {
  torch::Tensor loss = at::zeros({});
  if (out.segmentation.defined()) {
    const torch::Tensor foreground = out.segmentation.softmax(1).select(1, 1);
    const torch::Tensor truth = batch.masks.to(at::kFloat);
    const torch::Tensor dice =
        2 * (foreground * truth).sum() / (foreground.sum() + truth.sum() + 1e-6);
    loss = loss + at::cross_entropy_loss(out.segmentation, batch.masks) + (1 - dice);
  }
  if (out.classification.defined()) {
    loss = loss + at::cross_entropy_loss(out.classification, batch.labels);
  }
  return loss;
}

}  // namespace

ModelSpec SmallSpec(const std::string& name) {
  ModelSpec spec;
  spec.set_name(name);
  spec.set_input_height(kSize);
  spec.set_input_width(kSize);
  spec.set_filters(kF);
  spec.set_kernel_size(3);
  spec.set_depth(2);
  spec.set_dropout(0.0);
  spec.set_resnet_width(8);
  return spec;
}

int64_t Dense(int64_t c, int64_t f, int64_t k, int64_t norm_parameters_per_channel) {
  return (c * f * k * k + f) + ((c + f) * f * k * k + f) + ((c + 2 * f) * f + f) +
         norm_parameters_per_channel * (c + (c + f) + (c + 2 * f)) + 1;
}

int64_t SmallEncoder() { return Dense(1, kF, 3) + Dense(kF, kF, 3) + Dense(kF, kF, 3); }
int64_t SmallDecoder() { return 2 * Dense(2 * kF, kF, 3); }

Batch MakeBatch() {
  torch::manual_seed(1);
  const torch::Tensor ys = at::arange(kSize).view({kSize, 1});
  const torch::Tensor xs = at::arange(kSize).view({1, kSize});
  const int64_t centers[kBatch][2] = {{10, 12}, {20, 19}, {14, 22}, {22, 9}};
  std::vector<torch::Tensor> masks, images;
  std::vector<int64_t> labels;
  for (int i = 0; i < kBatch; ++i) {
    const torch::Tensor disc = ((ys - centers[i][0]).pow(2) + (xs - centers[i][1]).pow(2)) <= 36;
    const int64_t label = i % 3;
    masks.push_back(disc.to(at::kLong));
    images.push_back(disc.to(at::kFloat) * (0.5 + 0.5 * label) + 0.2 * at::randn({kSize, kSize}));
    labels.push_back(label);
  }
  return {at::stack(images).unsqueeze(1), at::stack(masks), at::tensor(labels)};
}

int StepsToOverfit(MultitaskModelImpl& model, int max_steps) {
  const Batch batch = MakeBatch();
  torch::optim::Adam adam(model.parameters(), torch::optim::AdamOptions(5e-3));
  for (int step = 1; step <= max_steps; ++step) {
    model.train();
    adam.zero_grad();
    Loss(model.forward(batch.images), batch).backward();
    adam.step();
    if (step % 5 != 0) continue;
    torch::NoGradGuard no_grad;
    model.eval();
    const ModelOutput out = model.forward(batch.images);
    const bool segmented =
        !out.segmentation.defined() || HardDice(out.segmentation, batch.masks) > 0.95;
    const bool classified =
        !out.classification.defined() || Accuracy(out.classification, batch.labels) == 1.0;
    if (segmented && classified) return step;
  }
  return -1;
}

std::string NameOf(torch::nn::Module& model, const torch::Tensor& parameter) {
  for (const auto& item : model.named_parameters()) {
    if (item.value().is_same(parameter)) return item.key();
  }
  return "(not a parameter of the model)";
}

bool HasGradient(const torch::Tensor& parameter) {
  return parameter.grad().defined() && parameter.grad().abs().sum().item<double>() > 0.0;
}

// Eval mode: in training mode batch norm subtracts the per-channel mean again, so a conv bias
// that feeds only normalization gets a zero gradient (QuickNAT's reference keeps such biases);
// with fixed statistics every parameter's connection to the outputs shows.
void ExpectGradientReachesEveryParameter(MultitaskModelImpl& model) {
  model.eval();
  model.zero_grad();
  const ModelOutput out = model.forward(MakeBatch().images);
  torch::Tensor total = at::zeros({});
  if (out.segmentation.defined()) total = total + out.segmentation.sum();
  if (out.classification.defined()) total = total + out.classification.sum();
  total.backward();
  for (const auto& item : model.named_parameters()) {
    EXPECT_TRUE(HasGradient(item.value())) << item.key();
  }
}

void BackwardOneTask(MultitaskModelImpl& model, Task task) {
  model.eval();
  model.zero_grad();
  const ModelOutput out = model.forward(MakeBatch().images);
  (task == Task::kSegmentation ? out.segmentation : out.classification).sum().backward();
}

void ExpectBothTasksReachTheSharedParameters(MultitaskModelImpl& model) {
  const torch::Tensor last = model.last_shared_weight();
  ASSERT_TRUE(last.defined());
  EXPECT_NE(NameOf(model, last), "(not a parameter of the model)");
  for (const Task task : {Task::kSegmentation, Task::kClassification}) {
    BackwardOneTask(model, task);
    const char* task_name = task == Task::kSegmentation ? "segmentation" : "classification";
    for (const torch::Tensor& p : model.shared_parameters()) {
      EXPECT_TRUE(HasGradient(p)) << task_name << " does not reach " << NameOf(model, p);
    }
    EXPECT_TRUE(HasGradient(last)) << task_name << " does not reach the last shared weight";
  }
}

void ExpectRejected(const ModelSpec& spec, const std::string& field) {
  // The validator alone refuses it, without building anything, and CreateModel says the same.
  const absl::Status status = ValidateModelSpec(spec);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << spec.ShortDebugString();
  EXPECT_THAT(std::string(status.message()), HasSubstr("model." + field + ":"))
      << spec.ShortDebugString();
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> model = CreateModel(spec);
  ASSERT_FALSE(model.ok()) << spec.ShortDebugString();
  EXPECT_EQ(model.status(), status);
}

}  // namespace nerve_mtl::models::model_testing
