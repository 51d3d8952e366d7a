#ifndef NERVE_MTL_OPTIM_ADAM_H_
#define NERVE_MTL_OPTIM_ADAM_H_

#include <torch/optim/adam.h>

#include <vector>

namespace nerve_mtl::optim {

// torch::optim::Adam with the same options, parameter groups, state and checkpoints, and a faster
// step(). On a GPU it updates each group with multi-tensor (_foreach) kernels: about ten kernel
// launches a group instead of about ten a parameter (QuickFCN has over 100 parameter tensors).
// On the CPU, where _foreach is the slow path, each parameter takes one pass over memory
// (optim/adam_cpu.h), parallel over the cores, bit-identical to torch::optim::Adam's result
// (optim/adam_test.cc).
class MultiTensorAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  torch::Tensor step(LossClosure closure = nullptr) override;

  // Capturable mode, for a train step captured in a CUDA graph and replayed: each group's step
  // count and learning rate live in tensors on its parameters' device and the update reads
  // them there, so every replay applies the right bias corrections (the default mode computes
  // them on the host, which a graph would freeze). Call before the first step; from then on
  // every parameter needs a gradient at every step, and save() is refused (the step count is
  // not on the host). Equal to torch::optim::Adam to float rounding (optim/adam_test.cc).
  void MakeCapturable();
  // Capturable mode: copies each group's options().lr() into its device tensor. Call after
  // changing a learning rate, outside a capture.
  void SyncLearningRates();
  void save(torch::serialize::OutputArchive& archive) const override;

 private:
  void CapturableStep();
  // The parameter's Adam state, created (zero moments, step 0) on its first step.
  torch::optim::AdamParamState& StateOf(const at::Tensor& p,
                                        const torch::optim::AdamOptions& options);

  struct DeviceScalars {
    at::Tensor step;  // float32, as PyTorch's capturable Adam keeps it
    at::Tensor lr;
  };
  std::vector<DeviceScalars> device_scalars_;  // One per group; empty unless capturable.
};

}  // namespace nerve_mtl::optim

#endif  // NERVE_MTL_OPTIM_ADAM_H_
