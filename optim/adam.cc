#include "optim/adam.h"

#include <ATen/ATen.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "optim/adam_cpu.h"

namespace nerve_mtl::optim {
namespace {

// The key of a parameter's state: LibTorch 1.x names it by the printed TensorImpl address, 2.x
// by the address itself.
template <typename Key>
Key StateKey(const at::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream s;
    s << p.unsafeGetTensorImpl();
    return s.str();
  } else {
    return p.unsafeGetTensorImpl();
  }
}

// The parameters of one group that take the same step number (all of them, unless some had no
// gradient in an earlier step), with their gradients and Adam state.
struct Bucket {
  std::vector<at::Tensor> params, grads, exp_avg, exp_avg_sq, max_exp_avg_sq;

  void Add(const at::Tensor& p, const torch::optim::AdamParamState& state) {
    params.push_back(p);
    grads.push_back(p.grad());
    exp_avg.push_back(state.exp_avg());
    exp_avg_sq.push_back(state.exp_avg_sq());
    if (state.max_exp_avg_sq().defined()) max_exp_avg_sq.push_back(state.max_exp_avg_sq());
  }
};

// The moving averages' update of LibTorch's adam.cpp, one _foreach kernel per line; returns
// sqrt of the second moment (its running maximum with amsgrad), before bias correction and eps.
std::vector<at::Tensor> UpdateMoments(Bucket& b, const torch::optim::AdamOptions& options) {
  const double beta1 = std::get<0>(options.betas());
  const double beta2 = std::get<1>(options.betas());
  const std::vector<at::Tensor> grads =
      options.weight_decay() != 0 ? at::_foreach_add(b.grads, b.params, options.weight_decay())
                                  : b.grads;
  at::_foreach_mul_(b.exp_avg, beta1);
  at::_foreach_add_(b.exp_avg, grads, 1 - beta1);
  at::_foreach_mul_(b.exp_avg_sq, beta2);
  at::_foreach_addcmul_(b.exp_avg_sq, grads, grads, 1 - beta2);
  if (options.amsgrad()) {
    for (size_t i = 0; i < b.params.size(); ++i) {
      at::max_out(b.max_exp_avg_sq[i], b.exp_avg_sq[i], b.max_exp_avg_sq[i]);
    }
  }
  return at::_foreach_sqrt(options.amsgrad() ? b.max_exp_avg_sq : b.exp_avg_sq);
}

// torch::optim::Adam's update with host-side bias corrections for step number `step`.
void Update(Bucket& b, int64_t step, const torch::optim::AdamOptions& options) {
  const double bias_correction1 = 1 - std::pow(std::get<0>(options.betas()), step);
  const double bias_correction2 = 1 - std::pow(std::get<1>(options.betas()), step);
  std::vector<at::Tensor> denom = UpdateMoments(b, options);
  at::_foreach_div_(denom, std::sqrt(bias_correction2));
  at::_foreach_add_(denom, options.eps());
  at::_foreach_addcdiv_(b.params, b.exp_avg, denom, -options.lr() / bias_correction1);
}

// Divides or multiplies every tensor of a list by a 0-dim tensor, in one kernel where LibTorch
// has the overload (2.1 and later).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
void DivideBy(std::vector<at::Tensor>& list, const at::Tensor& s) { at::_foreach_div_(list, s); }
void MultiplyBy(std::vector<at::Tensor>& list, const at::Tensor& s) { at::_foreach_mul_(list, s); }
#else
void DivideBy(std::vector<at::Tensor>& list, const at::Tensor& s) {
  for (at::Tensor& t : list) t.div_(s);
}
void MultiplyBy(std::vector<at::Tensor>& list, const at::Tensor& s) {
  for (at::Tensor& t : list) t.mul_(s);
}
#endif

}  // namespace

void MultiTensorAdam::MakeCapturable() {
  device_scalars_.clear();
  for (torch::optim::OptimizerParamGroup& group : param_groups_) {
    TORCH_CHECK(!group.params().empty(), "MultiTensorAdam: empty parameter group");
    const at::TensorOptions options = group.params()[0].options().dtype(at::kFloat);
    device_scalars_.push_back({at::zeros({}, options), at::zeros({}, options)});
  }
  SyncLearningRates();
}

void MultiTensorAdam::SyncLearningRates() {
  for (size_t g = 0; g < device_scalars_.size(); ++g) {
    device_scalars_[g].lr.fill_(
        static_cast<torch::optim::AdamOptions&>(param_groups_[g].options()).lr());
  }
}

void MultiTensorAdam::save(torch::serialize::OutputArchive& archive) const {
  TORCH_CHECK(device_scalars_.empty(), "MultiTensorAdam: a capturable optimiser cannot be saved");
  torch::optim::Adam::save(archive);
}

// The same update with the step count and learning rate read on the device: bias corrections
// and the step size are 0-dim tensors, so nothing here reads the host's copy of a number that
// changes from step to step.
void MultiTensorAdam::CapturableStep() {
  for (size_t g = 0; g < param_groups_.size(); ++g) {
    const auto& options = static_cast<torch::optim::AdamOptions&>(param_groups_[g].options());
    Bucket b;
    for (const at::Tensor& p : param_groups_[g].params()) {
      TORCH_CHECK(p.grad().defined(), "MultiTensorAdam (capturable): a parameter has no gradient");
      b.Add(p, StateOf(p, options));
    }
    DeviceScalars& scalars = device_scalars_[g];
    scalars.step.add_(1);
    const at::Tensor bias_correction1 = 1 - at::pow(std::get<0>(options.betas()), scalars.step);
    const at::Tensor bias_correction2_sqrt =
        (1 - at::pow(std::get<1>(options.betas()), scalars.step)).sqrt();
    std::vector<at::Tensor> denom = UpdateMoments(b, options);
    DivideBy(denom, bias_correction2_sqrt);
    at::_foreach_add_(denom, options.eps());
    std::vector<at::Tensor> update = at::_foreach_div(b.exp_avg, denom);
    MultiplyBy(update, scalars.lr / bias_correction1);
    at::_foreach_sub_(b.params, update);
  }
}

torch::optim::AdamParamState& MultiTensorAdam::StateOf(const at::Tensor& p,
                                                      const torch::optim::AdamOptions& options) {
  using Key = typename std::remove_reference_t<decltype(state_)>::key_type;
  std::unique_ptr<torch::optim::OptimizerParamState>& slot = state_[StateKey<Key>(p)];
  if (slot == nullptr) {
    auto state = std::make_unique<torch::optim::AdamParamState>();
    state->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
    state->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
    if (options.amsgrad()) state->max_exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
    slot = std::move(state);
  }
  return static_cast<torch::optim::AdamParamState&>(*slot);
}

torch::Tensor MultiTensorAdam::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  if (!device_scalars_.empty()) {
    CapturableStep();
    return loss;
  }
  for (torch::optim::OptimizerParamGroup& group : param_groups_) {
    auto& options = static_cast<torch::optim::AdamOptions&>(group.options());
    std::map<int64_t, Bucket> buckets;
    for (const at::Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      TORCH_CHECK(!p.grad().is_sparse(), "MultiTensorAdam does not support sparse gradients");
      torch::optim::AdamParamState& state = StateOf(p, options);
      state.step(state.step() + 1);
      if (p.device().is_cpu()) {
        // One pass over memory instead of _foreach's many, which are the slow path on a CPU.
        CpuAdamUpdate(p, state, options);
      } else {
        buckets[state.step()].Add(p, state);
      }
    }
    for (auto& [step, bucket] : buckets) Update(bucket, step, options);
  }
  return loss;
}

}  // namespace nerve_mtl::optim
