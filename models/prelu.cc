#include "models/prelu.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <cstdint>
#include <cstring>

namespace nerve_mtl::models {
namespace {

// ∂L/∂x and the terms of ∂L/∂a for elements [begin, end). Selecting by bit masks rather than
// branches: the sign of x is as good as random, and mispredicted branches made a plain loop
// slower than LibTorch's. Each value written is one of g, a·g, x·g or +0, exactly as the
// selects in LibTorch's kernel give them.
void BackwardRange(const float* x, const float* g, float a, float* grad_x, float* terms,
                   int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const float gv = g[i];
    const float ag = a * gv;
    const float xg = x[i] * gv;
    uint32_t g_bits, ag_bits, xg_bits;
    std::memcpy(&g_bits, &gv, sizeof(float));
    std::memcpy(&ag_bits, &ag, sizeof(float));
    std::memcpy(&xg_bits, &xg, sizeof(float));
    const uint32_t positive = -static_cast<uint32_t>(x[i] > 0.0f);
    const uint32_t dx = (g_bits & positive) | (ag_bits & ~positive);
    const uint32_t term = xg_bits & ~positive;
    std::memcpy(grad_x + i, &dx, sizeof(float));
    std::memcpy(terms + i, &term, sizeof(float));
  }
}

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
    const torch::Tensor g = grads[0].contiguous();
    const float a = saved[1].item<float>();
    torch::Tensor grad_x = at::empty_like(x);
    torch::Tensor terms = at::empty_like(x);
    const float* xp = x.data_ptr<float>();
    const float* gp = g.data_ptr<float>();
    float* dx = grad_x.data_ptr<float>();
    float* tp = terms.data_ptr<float>();
    at::parallel_for(0, x.numel(), at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
      BackwardRange(xp, gp, a, dx, tp, begin, end);
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
