#ifndef NERVE_MTL_LOSSES_STRATEGY_H_
#define NERVE_MTL_LOSSES_STRATEGY_H_

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "losses/loss_spec.pb.h"

namespace nerve_mtl::losses {

// Task order everywhere: index 0 segmentation, index 1 classification.
inline constexpr int kSegmentationTask = 0;
inline constexpr int kClassificationTask = 1;
inline constexpr int kNumTasks = 2;

// What a strategy needs to know of the model to steer gradients.
struct BackwardContext {
  // Parameters both tasks reach (GradNorm, PCGrad); empty for a single-task model.
  std::vector<at::Tensor> shared_parameters;
  // Weight of the last shared layer (GradNorm).
  at::Tensor last_shared_weight;
  // The shared representation of this step's forward pass, every encoder output the task heads
  // read, graph attached (MGDA-UB); empty for a model without one.
  std::vector<at::Tensor> shared_representation;
};

// Combines the two task losses into gradients. One instance lives for one training run.
class MultitaskStrategy {
 public:
  virtual ~MultitaskStrategy() = default;

  // Trainable parameters of the strategy itself (uncertainty's log variances), optimised with
  // the model in their own group at base rate * lr_multiplier().
  virtual std::vector<at::Tensor> parameters() { return {}; }
  virtual double lr_multiplier() const { return 1.0; }
  // State besides parameters() that a resumed run needs back (GradNorm's weights and initial
  // losses). Checkpoints save parameters() and this; DWA's loss history is replayed through
  // EndEpoch instead.
  virtual std::vector<double> extra_state() const { return {}; }
  virtual void set_extra_state(const std::vector<double>& /*state*/) {}

  // Called before epoch `epoch` (0-based) of `total_epochs`.
  virtual void StartEpoch(int /*epoch*/, int /*total_epochs*/) {}
  // Called after each epoch with the mean training loss of each task in it (DWA).
  virtual void EndEpoch(const std::vector<double>& /*mean_task_losses*/) {}

  // Computes the combined loss from task_losses (kNumTasks scalars, graph attached) and fills
  // the .grad of every parameter that needs it, as loss.backward() would (accumulating).
  // Returns the combined loss value that was optimised.
  virtual double Backward(const std::vector<at::Tensor>& task_losses,
                          const BackwardContext& context) = 0;

  // Current weight of each task, for the reports (for uncertainty: exp(-s_i)).
  virtual std::vector<double> TaskWeights() const = 0;

  // Whether Backward needs context.shared_representation (MGDA-UB): a model that exposes none
  // is refused before training (models::MultitaskModelImpl::exposes_shared_representation).
  virtual bool needs_shared_representation() const { return false; }
};

using StrategyFactory =
    std::function<absl::StatusOr<std::unique_ptr<MultitaskStrategy>>(const LossSpec&)>;

// Checks a spec's options without building anything (so a study can refuse a bad row before
// any row trains): InvalidArgument naming the field.
using StrategyValidator = std::function<absl::Status(const LossSpec&)>;

// A learning rate other than the base rate at which a strategy's own weights learn, as a trial's
// protocol states it (docs/DESIGN.md §3, "Traits").
struct OwnLearningRate {
  std::string what;  // e.g. "log variances"
  // `value` multiplies the base rate (the weights train in an Adam group of their own);
  // otherwise it is the step size of the strategy's own update rule.
  bool multiple_of_base = false;
  double value = 0;
};

// What a strategy is, for code that must know it without building one.
struct StrategyTraits {
  // The rates of the strategy's own weights under `spec`; unset for a strategy without any.
  std::function<std::vector<OwnLearningRate>(const LossSpec&)> own_learning_rates;
};

// The registered strategy spec.strategy() accepts `spec`: an unknown name lists the linked
// ones; options of another strategy holding other than their defaults are refused, as the
// strategy would ignore them (RefuseOtherStrategiesOptions); then the strategy's own validator
// runs. The task losses' options (dice, cross_entropy, segmentation_loss) are
// ValidateSegmentationLoss's and ValidateCrossEntropyOptions'.
absl::Status ValidateLossSpec(const LossSpec& spec);

// "loss.<field>: options of strategy '<field>', but loss.strategy is '...'" for the first
// strategy options message (LossSpec's message fields but dice and cross_entropy, each named
// after its strategy) other than spec.strategy()'s with a value other than its default.
absl::Status RefuseOtherStrategiesOptions(const LossSpec& spec);

// What a strategy needs of the model beyond its two tasks: InvalidArgument
// "loss.<strategy>: ..." when `strategy` needs the shared representation (MGDA-UB) and the model
// `model_name` exposes none (its exposes_shared_representation()).
absl::Status CheckStrategyFitsModel(const LossSpec& spec, const MultitaskStrategy& strategy,
                                    const std::string& model_name,
                                    bool model_exposes_shared_representation);

// The traits strategy `name` registered; InvalidArgument listing the linked ones when unknown.
absl::StatusOr<StrategyTraits> StrategyTraitsOf(const std::string& name);

// Builds the registered strategy spec.strategy() after ValidateLossSpec.
absl::StatusOr<std::unique_ptr<MultitaskStrategy>> CreateStrategy(const LossSpec& spec);

// Names of the strategies linked into this binary, sorted.
std::vector<std::string> RegisteredStrategies();

// Used by each strategy's translation unit; a strategy without options to check passes no
// validator, one without own learning rates no traits.
bool RegisterStrategy(const std::string& name, StrategyFactory factory,
                      StrategyValidator validator = nullptr, StrategyTraits traits = {});

}  // namespace nerve_mtl::losses

#endif  // NERVE_MTL_LOSSES_STRATEGY_H_
