#include "models/prelu.h"

#include <torch/torch.h>

#include <vector>

#include "gtest/gtest.h"

namespace nerve_mtl::models {
namespace {

struct Gradients {
  torch::Tensor y, dx, da;
};

Gradients Differentiate(bool ours, const torch::Tensor& x, const torch::Tensor& g, float slope) {
  torch::Tensor xv = x.clone().requires_grad_(true);
  torch::Tensor a = torch::full({1}, slope, torch::requires_grad());
  torch::Tensor y = ours ? SharedSlopePrelu(xv, a) : at::prelu(xv, a);
  std::vector<torch::Tensor> d = torch::autograd::grad({y}, {xv, a}, {g});
  return {y.detach(), d[0], d[1]};
}

// Against the formula in the header, by hand: x = (2, -1, 0, -3), g = (1, 2, 3, 4), a = 0.25.
TEST(SharedSlopePreluTest, HandComputedValues) {
  const torch::Tensor x = torch::tensor({2.0f, -1.0f, 0.0f, -3.0f});
  const torch::Tensor g = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f});
  const Gradients ours = Differentiate(true, x, g, 0.25f);
  EXPECT_TRUE(torch::equal(ours.y, torch::tensor({2.0f, -0.25f, 0.0f, -0.75f})));
  // x > 0: g; else a·g (x = 0 counts as not positive).
  EXPECT_TRUE(torch::equal(ours.dx, torch::tensor({1.0f, 0.5f, 0.75f, 1.0f})));
  // Σ over x ≤ 0 of x·g = -1·2 + 0·3 + -3·4 = -14.
  EXPECT_EQ(ours.da.sizes(), (std::vector<int64_t>{1}));
  EXPECT_EQ(ours.da.item<float>(), -14.0f);
}

// The dense blocks' shapes, with zeros and negative zeros among the inputs, at 1 and 2 threads:
// the values of LibTorch's own PReLU. With LibTorch 1.13 (Debian 12) bit for bit, which is what
// keeps the committed tables; other versions reduce ∂L/∂a in an order of their own.
TEST(SharedSlopePreluTest, AgreesWithLibTorch) {
  torch::manual_seed(0);
  const int threads = at::get_num_threads();
  for (int t : {1, 2}) {
    at::set_num_threads(t);
    for (const std::vector<int64_t>& shape : std::vector<std::vector<int64_t>>{
             {8, 16, 48, 48}, {8, 33, 24, 24}, {3, 7, 5, 5}, {4, 25}, {1}}) {
      SCOPED_TRACE(::testing::Message() << t << " threads, " << torch::IntArrayRef(shape));
      torch::Tensor x = torch::randn(shape);
      x.index_put_({x.abs() < 0.01}, 0.0f);
      x.index_put_({x.abs() > 3}, -0.0f);
      const torch::Tensor g = torch::randn(shape);
      const Gradients ours = Differentiate(true, x, g, 0.2513f);
      const Gradients theirs = Differentiate(false, x, g, 0.2513f);
      EXPECT_TRUE(torch::equal(ours.y, theirs.y));
      EXPECT_TRUE(torch::equal(ours.dx, theirs.dx));
#if TORCH_VERSION_MAJOR < 2
      EXPECT_TRUE(torch::equal(ours.da, theirs.da)) << ours.da << theirs.da;
#else
      EXPECT_TRUE(torch::allclose(ours.da, theirs.da, 1e-5, 1e-4)) << ours.da << theirs.da;
#endif
    }
  }
  at::set_num_threads(threads);
}

// Without gradients (evaluation) it is the forward alone.
TEST(SharedSlopePreluTest, NoGradIsTheForward) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 3, 4, 4});
  const torch::Tensor a = torch::full({1}, 0.25f);
  EXPECT_TRUE(torch::equal(SharedSlopePrelu(x, a), at::prelu(x, a)));
}

}  // namespace
}  // namespace nerve_mtl::models
