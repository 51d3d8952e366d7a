#ifndef NERVE_MTL_MODELS_PRELU_KERNEL_H_
#define NERVE_MTL_MODELS_PRELU_KERNEL_H_

// The inner loop of models::SharedSlopePrelu's backward (models/prelu.h), over raw fp32 arrays.
// A translation unit of its own so that only this loop is built with -O3 (GCC vectorises it
// there), not the LibTorch headers around it.

#include <cstdint>

namespace nerve_mtl::models {

// For i in [begin, end): grad_x[i] = g[i] if x[i] > 0, else a·g[i]; terms[i] = x[i]·g[i] if
// x[i] ≤ 0, else +0 (the terms whose sum is ∂L/∂a). Branch-free: the sign of x is as good as
// random, and mispredicted branches made a plain loop slower than LibTorch's kernel.
void SharedSlopePreluBackwardRange(const float* x, const float* g, float a, float* grad_x,
                                   float* terms, int64_t begin, int64_t end);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_PRELU_KERNEL_H_
