#include "losses/rlw.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "losses/weighted_sum.h"

namespace nerve_mtl::losses {
namespace {

// The engine outputs one step consumes.
constexpr int kOutputsPerDraw = 2;

double Uniform53(std::mt19937_64& engine) {
  return static_cast<double>(engine() >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
}

}  // namespace

std::vector<double> Softmax(const std::vector<double>& epsilon) {
  TORCH_CHECK(!epsilon.empty(), "Softmax: no values");
  const double max_value = *std::max_element(epsilon.begin(), epsilon.end());
  std::vector<double> weights(epsilon.size());
  double sum = 0.0;
  for (size_t i = 0; i < epsilon.size(); ++i) {
    weights[i] = std::exp(epsilon[i] - max_value);
    sum += weights[i];
  }
  for (double& w : weights) w /= sum;
  return weights;
}

std::vector<double> StandardNormalPair(std::mt19937_64& engine) {
  // 1 - u lies in (0, 1], so the logarithm stays finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - Uniform53(engine)));
  const double angle = 2.0 * M_PI * Uniform53(engine);
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

RlwStrategy::RlwStrategy(uint32_t seed)
    : seed_(seed), engine_(seed), mean_({0.5, 0.5}), last_weights_({0.5, 0.5}) {}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> RlwStrategy::Create(const LossSpec& /*spec*/) {
  at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle
  uint32_t seed;
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    seed = generator.get<at::CPUGeneratorImpl>()->random();
  }
  return std::make_unique<RlwStrategy>(seed);
}

void RlwStrategy::StartEpoch(int /*epoch*/, int /*total_epochs*/) { mean_.StartEpoch(); }

double RlwStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                             const BackwardContext& /*context*/) {
  CheckTaskLosses(task_losses);
  static_assert(kNumTasks == 2, "one Box-Muller pair per step");
  last_weights_ = Softmax(StandardNormalPair(engine_));
  ++draws_;
  mean_.Add(last_weights_);
  return BackwardWeightedSum(task_losses, last_weights_);
}

std::vector<double> RlwStrategy::extra_state() const {
  return {static_cast<double>(seed_), static_cast<double>(draws_)};
}

void RlwStrategy::set_extra_state(const std::vector<double>& state) {
  if (state.size() != 2) return;
  seed_ = static_cast<uint32_t>(state[0]);
  draws_ = static_cast<int64_t>(state[1]);
  engine_.seed(seed_);
  engine_.discard(static_cast<unsigned long long>(draws_) * kOutputsPerDraw);
}

namespace {

[[maybe_unused]] const bool kRegistered = RegisterStrategy("rlw", RlwStrategy::Create);

}  // namespace

}  // namespace nerve_mtl::losses
