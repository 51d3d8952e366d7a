#include "losses/dwa.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {

std::vector<double> DwaWeights(const std::vector<double>& previous,
                               const std::vector<double>& before_previous, double temperature) {
  TORCH_CHECK(previous.size() == before_previous.size(), "DwaWeights: ", previous.size(), " and ",
              before_previous.size(), " losses");
  const size_t tasks = previous.size();
  std::vector<double> scaled(tasks);
  for (size_t i = 0; i < tasks; ++i) {
    const double ratio = before_previous[i] > 0.0 ? previous[i] / before_previous[i] : 1.0;
    scaled[i] = ratio / temperature;
  }
  // Subtracting the maximum keeps exp from overflowing and leaves the softmax unchanged.
  const double max_scaled = *std::max_element(scaled.begin(), scaled.end());
  double sum = 0.0;
  for (double& value : scaled) {
    value = std::exp(value - max_scaled);
    sum += value;
  }
  std::vector<double> weights(tasks);
  for (size_t i = 0; i < tasks; ++i) weights[i] = static_cast<double>(tasks) * scaled[i] / sum;
  return weights;
}

DwaStrategy::DwaStrategy(double temperature)
    : temperature_(temperature), weights_(kNumTasks, 1.0) {}

absl::Status DwaStrategy::Validate(const LossSpec& spec) {
  const double temperature = spec.dwa().temperature();
  if (!(temperature > 0.0) || !std::isfinite(temperature)) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.dwa.temperature must be > 0, got ", temperature));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> DwaStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<DwaStrategy>(spec.dwa().temperature());
}

void DwaStrategy::EndEpoch(const std::vector<double>& mean_task_losses) {
  TORCH_CHECK(mean_task_losses.size() == static_cast<size_t>(kNumTasks), "DWA: expected ",
              kNumTasks, " mean task losses, got ", mean_task_losses.size());
  before_previous_ = std::exchange(previous_, mean_task_losses);
  if (!before_previous_.empty()) {
    weights_ = DwaWeights(previous_, before_previous_, temperature_);
  }
}

double DwaStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                             const BackwardContext& /*context*/) {
  return BackwardWeightedSum(task_losses, weights_);
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("dwa", DwaStrategy::Create, DwaStrategy::Validate);

}  // namespace

}  // namespace nerve_mtl::losses
