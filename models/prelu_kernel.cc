#include "models/prelu_kernel.h"

#include <cstring>

namespace nerve_mtl::models {

// Selecting by bit masks rather than branches: each value written is one of g, a·g, x·g or +0,
// exactly as the selects in LibTorch's kernel give them.
void SharedSlopePreluBackwardRange(const float* x, const float* g, float a, float* grad_x,
                                   float* terms, int64_t begin, int64_t end) {
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

}  // namespace nerve_mtl::models
