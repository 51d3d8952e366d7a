#ifndef NERVE_MTL_OPTIM_ADAM_H_
#define NERVE_MTL_OPTIM_ADAM_H_

#include <torch/optim/adam.h>

namespace nerve_mtl::optim {

// torch::optim::Adam with the same options, parameter groups, state and checkpoints, whose step()
// updates each group with multi-tensor (_foreach) kernels: on a GPU about ten kernel launches a
// group instead of about ten a parameter (QuickFCN has over 100 parameter tensors). On the CPU
// LibTorch runs the same per-tensor kernels in the same order, so results there are bit-identical
// to torch::optim::Adam's (optim/adam_test.cc).
class MultiTensorAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace nerve_mtl::optim

#endif  // NERVE_MTL_OPTIM_ADAM_H_
