#ifndef NERVE_MTL_MODELS_PRELU_H_
#define NERVE_MTL_MODELS_PRELU_H_

// PReLU with one slope for every element (He et al. 2015, "Delving Deep into Rectifiers"), as
// QuickNAT's dense blocks and the original classifier head use it:
//   y = x            if x > 0, else a·x
//   ∂L/∂x = g        if x > 0, else a·g
//   ∂L/∂a = Σ over x ≤ 0 of x·g
//
// The same values as at::prelu, forward and backward. The forward is at::prelu. On the CPU in
// fp32 the backward is one branch-free pass over x and g that writes ∂L/∂x and the terms x·g,
// then at::sum over the terms: LibTorch 1.13's own prelu_backward sums the same terms with the
// same reduction, so ∂L/∂a keeps its bits, but takes about 40 times the forward's time for it
// (docs/PERFORMANCE.md, "The study configuration's profile"). Elsewhere (a GPU, other dtypes,
// a slope per channel) it is at::prelu with LibTorch's own backward.

#include <torch/types.h>

namespace nerve_mtl::models {

torch::Tensor SharedSlopePrelu(const torch::Tensor& x, const torch::Tensor& slope);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_PRELU_H_
