#ifndef NERVE_MTL_MODELS_MODEL_H_
#define NERVE_MTL_MODELS_MODEL_H_

#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "models/model_spec.pb.h"

namespace nerve_mtl::models {

// What a network predicts; a single-task network leaves the other part undefined.
struct ModelOutput {
  torch::Tensor segmentation;    // [N, segmentation_classes, H, W] logits.
  torch::Tensor classification;  // [N, classification_classes] logits.
};

// Parameters that train at their own learning rate (cross-stitch alphas). The rate at the first
// epoch is `learning_rate` when set, an absolute value that does not follow the base rate, else
// base rate * lr_multiplier; either way the trainer's StepLR then scales it by gamma like every
// group, as PyTorch's StepLR scales each group's initial rate.
struct ParameterGroup {
  std::string name;
  std::vector<torch::Tensor> parameters;
  double lr_multiplier = 1.0;
  std::optional<double> learning_rate;
};

// The interface every network of the study implements, so one trainer trains them all.
class MultitaskModelImpl : public torch::nn::Module {
 public:
  virtual ModelOutput forward(const torch::Tensor& images) = 0;
  virtual bool segments() const = 0;
  virtual bool classifies() const = 0;
  // Parameters both tasks' gradients reach (GradNorm and PCGrad act on these); empty for a
  // single-task network.
  virtual std::vector<torch::Tensor> shared_parameters() { return {}; }
  // The weight of the last shared layer (GradNorm measures task gradient norms there);
  // undefined for a single-task network.
  virtual torch::Tensor last_shared_weight() { return {}; }
  // Whether the network has one representation both task heads read (hard sharing), which
  // MGDA-UB takes its task gradients from; soft sharing has two encoders and none.
  virtual bool exposes_shared_representation() const { return false; }
  // That representation as the last forward pass in training mode with gradients on computed
  // it, graph attached: every encoder output a head reads. Empty when the network exposes
  // none, before such a pass, and after a pass without gradients or in evaluation mode.
  virtual std::vector<torch::Tensor> shared_representation() { return {}; }
  // Groups with a learning rate of their own; every parameter not listed trains at the base
  // rate.
  virtual std::vector<ParameterGroup> parameter_groups() { return {}; }
  // Named scalars worth plotting per epoch (cross-stitch alphas), e.g. "cross_stitch/1/ss".
  virtual std::vector<std::pair<std::string, double>> diagnostics() { return {}; }

  // Soft sharing's two-phase protocol: the single-task models to train first, on their own
  // task (the trainer caches them by spec), then handed to LoadPretrained in the same order.
  // Empty for every other model.
  virtual std::vector<ModelSpec> pretraining_specs() const { return {}; }
  virtual absl::Status LoadPretrained(
      const std::vector<std::shared_ptr<MultitaskModelImpl>>& /*pretrained*/) {
    return absl::OkStatus();
  }
};

// What a network is, for code that must know it without building one: the study's checks, and
// the components a trial records so that reports need no model code (docs/DESIGN.md §3,
// "Traits"). //models:models_test holds each registration to the network it builds.
struct ModelTraits {
  bool segments = false;
  bool classifies = false;
  // Two streams mixed by cross-stitch units: the model.cross_stitch_* options apply, and its
  // alphas train at their own learning rate (model.cross_stitch_learning_rate).
  bool cross_stitch = false;
  // One representation both heads read (exposes_shared_representation()).
  bool shared_representation = false;
  // Trains single-task branches first (pretraining_specs() is not empty).
  bool pretrains = false;
};

using ModelFactory =
    std::function<absl::StatusOr<std::shared_ptr<MultitaskModelImpl>>(const ModelSpec&)>;

// Checks a spec's options without building anything (so a study can refuse a bad row before
// any row trains): InvalidArgument naming the field.
using ModelValidator = std::function<absl::Status(const ModelSpec&)>;

// The registered model spec.name() accepts `spec`: an unknown name lists the linked ones, then
// the model's own validator runs.
absl::Status ValidateModelSpec(const ModelSpec& spec);

// For validators: InvalidArgument "model.<field>: <why>" for the first of `fields` holding a
// value other than its default, an option `spec`'s model would ignore. A default spelled out (as
// a resolved spec spells out every field) passes. Only for options no study sets on every row:
// a study's base sets filters and resnet_width for all its networks.
absl::Status RefuseIgnoredOptions(const ModelSpec& spec, const std::vector<std::string>& fields,
                                  const std::string& why);

// The cross-stitch options, refused for every model but softquickfcn.
absl::Status RefuseCrossStitchOptions(const ModelSpec& spec);

// The traits model `name` registered; InvalidArgument listing the linked models for an unknown
// name.
absl::StatusOr<ModelTraits> TraitsOf(const std::string& name);

// Builds the registered model spec.name() after ValidateModelSpec.
absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> CreateModel(const ModelSpec& spec);

// Names of the models linked into this binary, sorted.
std::vector<std::string> RegisteredModels();

// Used by each model's translation unit:
// `const bool kRegistered = RegisterModel("quicknat", {.segments = true}, factory, validator)`.
// A model without options to check passes no validator.
bool RegisterModel(const std::string& name, ModelTraits traits, ModelFactory factory,
                   ModelValidator validator = nullptr);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_MODEL_H_
