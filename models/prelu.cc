// GCC 14 at -O3 (the CMake build) reports a false out-of-bounds copy inside libstdc++'s
// vector<bool>::reserve, inlined from LibTorch 2.6's autograd::Function::apply: the state of
// these diagnostics at the header's location decides, so they are turned off before any include
// (this file has no other copies or indexing).
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

#include "models/prelu.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include "models/prelu_kernel.h"

namespace nerve_mtl::models {
namespace {

class SharedSlopePreluFunction : public torch::autograd::Function<SharedSlopePreluFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& slope) {
    ctx->save_for_backward({x, slope});
    return at::prelu(x, slope);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const torch::autograd::variable_list saved = ctx->get_saved_variables();
    const torch::Tensor x = saved[0].contiguous();
    // Under CPU autocast LibTorch 2.x runs at::prelu in bf16, so the gradient arriving here can
    // be bf16 while x is fp32: widen it (exactly) and return fp32, as x's gradient must be.
    const torch::Tensor g = grads[0].to(at::kFloat).contiguous();
    const float a = saved[1].item<float>();
    torch::Tensor grad_x = at::empty_like(x);
    torch::Tensor terms = at::empty_like(x);
    const float* xp = x.data_ptr<float>();
    const float* gp = g.data_ptr<float>();
    float* dx = grad_x.data_ptr<float>();
    float* tp = terms.data_ptr<float>();
    at::parallel_for(0, x.numel(), at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
      SharedSlopePreluBackwardRange(xp, gp, a, dx, tp, begin, end);
    });
    return {grad_x, terms.sum().reshape(saved[1].sizes())};
  }
};

}  // namespace

torch::Tensor SharedSlopePrelu(const torch::Tensor& x, const torch::Tensor& slope) {
  if (!x.is_cpu() || x.scalar_type() != at::kFloat || slope.scalar_type() != at::kFloat ||
      slope.numel() != 1) {
    return at::prelu(x, slope);
  }
  return SharedSlopePreluFunction::apply(x, slope);
}

}  // namespace nerve_mtl::models
