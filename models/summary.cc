// Prints a network's layers with their parameter counts, the feature-map shapes along a
// QuickNAT encoder, the output shapes and the parameter totals, from one forward pass on a
// zero image:
//   bazel run //models:summary -- --model=quickfcn [--filters=64 --kernel_size=5 --depth=4
//       --input_channels=1 --input_height=128 --input_width=128 --classification_classes=3
//       --head=gap|flatten --normalization=batch|instance --csse]
#include <ATen/Functions.h>
#include <c10/util/Exception.h>
#include <torch/utils.h>

#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cli.h"
#include "common/threads.h"
#include "models/blocks.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "models/quickclassifier.h"
#include "models/quickfcn.h"
#include "models/quicknat.h"
#include "models/softquickfcn.h"

namespace {
// Flag defaults are the spec's own, so the summary shows what an experiment gets by default.
const nerve_mtl::models::ModelSpec& Defaults() {
  return nerve_mtl::models::ModelSpec::default_instance();
}
}  // namespace

ABSL_FLAG(std::string, model, "quickfcn",
          "Registered model: quicknat, quickclassifier, resultnet, quickfcn, softquickfcn");
ABSL_FLAG(int, filters, Defaults().filters(), "QuickNAT filters per dense block");
ABSL_FLAG(int, kernel_size, Defaults().kernel_size(), "QuickNAT kernel size (odd)");
ABSL_FLAG(int, depth, Defaults().depth(), "QuickNAT encoder blocks");
ABSL_FLAG(int, input_channels, Defaults().input_channels(), "Image channels");
ABSL_FLAG(int, input_height, Defaults().input_height(), "Image height");
ABSL_FLAG(int, input_width, Defaults().input_width(), "Image width");
ABSL_FLAG(int, segmentation_classes, Defaults().segmentation_classes(),
          "Segmentation output channels");
ABSL_FLAG(int, classification_classes, Defaults().classification_classes(), "Classes");
ABSL_FLAG(std::string, head, "gap", "Classifier head on the bottleneck: gap | flatten");
ABSL_FLAG(int, head_hidden, Defaults().head_hidden(), "Hidden width of the flatten head");
ABSL_FLAG(std::string, normalization, "batch", "QuickNAT normalization: batch | instance");
ABSL_FLAG(bool, csse, false, "Channel and spatial squeeze-excitation after every dense block");
ABSL_FLAG(int, resnet_width, Defaults().resnet_width(), "ResNet-18 width of the first stage");
ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");

namespace nerve_mtl::models {
namespace {

std::string Shape(const torch::Tensor& t) {
  return absl::StrCat("[", absl::StrJoin(t.sizes(), ", "), "]");
}

absl::StatusOr<ModelSpec> SpecFromFlags() {
  ModelSpec spec;
  spec.set_name(absl::GetFlag(FLAGS_model));
  spec.set_filters(absl::GetFlag(FLAGS_filters));
  spec.set_kernel_size(absl::GetFlag(FLAGS_kernel_size));
  spec.set_depth(absl::GetFlag(FLAGS_depth));
  spec.set_input_channels(absl::GetFlag(FLAGS_input_channels));
  spec.set_input_height(absl::GetFlag(FLAGS_input_height));
  spec.set_input_width(absl::GetFlag(FLAGS_input_width));
  spec.set_segmentation_classes(absl::GetFlag(FLAGS_segmentation_classes));
  spec.set_classification_classes(absl::GetFlag(FLAGS_classification_classes));
  spec.set_head_hidden(absl::GetFlag(FLAGS_head_hidden));
  spec.set_csse(absl::GetFlag(FLAGS_csse));
  spec.set_resnet_width(absl::GetFlag(FLAGS_resnet_width));
  const std::string head = absl::GetFlag(FLAGS_head);
  if (head == "gap") {
    spec.set_head(HEAD_GLOBAL_AVERAGE_POOL);
  } else if (head == "flatten") {
    spec.set_head(HEAD_FLATTEN);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--head: expected gap or flatten, got '", head, "'"));
  }
  const std::string normalization = absl::GetFlag(FLAGS_normalization);
  if (normalization == "batch") {
    spec.set_normalization(BATCH_NORM);
  } else if (normalization == "instance") {
    spec.set_normalization(INSTANCE_NORM);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--normalization: expected batch or instance, got '", normalization, "'"));
  }
  return spec;
}

// `parameters` < 0: none shown.
void PrintRow(const std::string& name, const std::string& shape, int64_t parameters) {
  std::cout << std::left << std::setw(22) << name;
  if (parameters < 0) {
    std::cout << shape << "\n";
    return;
  }
  std::cout << std::setw(40) << shape << std::right << std::setw(12) << parameters << "\n";
}

// Two levels of children (encoder, encoder.block0, ...): deeper is noise at this scale.
void PrintLayers(const torch::nn::Module& model) {
  std::cout << std::left << std::setw(62) << "layer" << std::right << std::setw(12) << "parameters"
            << "\n";
  for (const auto& child : model.named_children()) {
    PrintRow(child.key(), "", CountParameters(*child.value()));
    for (const auto& grandchild : child.value()->named_children()) {
      PrintRow("  " + grandchild.key(), "", CountParameters(*grandchild.value()));
    }
  }
}

// The QuickNAT encoder of `model`, if it has one (soft sharing: the segmentation branch's; the
// classification branch's has the same shapes).
Encoder FindEncoder(MultitaskModelImpl& model) {
  if (auto* m = dynamic_cast<QuickNatImpl*>(&model)) return m->encoder();
  if (auto* m = dynamic_cast<QuickClassifierImpl*>(&model)) return m->encoder();
  if (auto* m = dynamic_cast<QuickFcnImpl*>(&model)) return m->encoder();
  if (auto* m = dynamic_cast<SoftQuickFcnImpl*>(&model)) {
    return m->segmentation_branch()->encoder();
  }
  return nullptr;
}

void PrintEncoderShapes(Encoder encoder, const torch::Tensor& images) {
  std::cout << "\nencoder feature maps (pre-pool -> pooled)\n";
  torch::Tensor x = images;
  for (int64_t i = 0; i < encoder->options().depth(); ++i) {
    const EncoderBlockOutput out = encoder->block(i)(x);
    PrintRow(absl::StrCat("block", i), Shape(out.features) + " -> " + Shape(out.pooled),
             CountParameters(*encoder->block(i)));
    x = out.pooled;
  }
  PrintRow("bottleneck", Shape(encoder->bottleneck()(x)), CountParameters(*encoder->bottleneck()));
}

absl::Status Run(const ModelSpec& spec) {
  absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> created = CreateModel(spec);
  if (!created.ok()) return created.status();
  MultitaskModelImpl& model = **created;
  model.eval();
  const torch::Tensor images =
      at::zeros({1, spec.input_channels(), spec.input_height(), spec.input_width()});
  std::cout << spec.name() << " on " << Shape(images) << "\n\n";
  PrintLayers(model);
  try {
    torch::NoGradGuard no_grad;
    if (Encoder encoder = FindEncoder(model)) PrintEncoderShapes(encoder, images);
    const ModelOutput out = model.forward(images);
    std::cout << "\noutputs\n";
    if (out.segmentation.defined()) PrintRow("segmentation", Shape(out.segmentation), -1);
    if (out.classification.defined()) PrintRow("classification", Shape(out.classification), -1);
  } catch (const c10::Error& e) {
    return absl::InternalError(absl::StrCat("forward pass: ", e.what_without_backtrace()));
  }
  int64_t trainable = 0;
  for (const torch::Tensor& p : model.parameters()) {
    if (p.requires_grad()) trainable += p.numel();
  }
  std::cout << "\ntotal parameters:     " << CountParameters(model)
            << "\ntrainable parameters: " << trainable << std::endl;
  return absl::OkStatus();
}

}  // namespace
}  // namespace nerve_mtl::models

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Prints a model's layers, parameter counts and output shapes.\n"
      "  bazel run //models:summary -- --model=quickfcn [--filters=64 --kernel_size=5 --depth=4\n"
      "      --input_channels=1 --input_height=128 --input_width=128 --classification_classes=3\n"
      "      --head=gap|flatten --normalization=batch|instance --csse]");
  absl::ParseCommandLine(argc, argv);
  nerve_mtl::SetTorchThreads(absl::GetFlag(FLAGS_threads));
  absl::StatusOr<nerve_mtl::models::ModelSpec> spec = nerve_mtl::models::SpecFromFlags();
  const absl::Status status = spec.ok() ? nerve_mtl::models::Run(*spec) : spec.status();
  return status.ok() ? 0 : nerve_mtl::ReportFailure("summary", status);
}
