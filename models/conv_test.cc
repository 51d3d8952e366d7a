#include "models/conv.h"

#include <ATen/ATen.h>
#include <torch/nn/functional/fold.h>

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace nerve_mtl::models {
namespace {

// Leaves the heap full of freed NaNs, as a training step can leave it: the allocations that
// follow reuse that memory.
void DirtyTheHeap() {
  std::vector<at::Tensor> blocks;
  for (int64_t n = 256; n <= (int64_t{1} << 20); n *= 2) {
    for (int64_t k = 0; k < 4; ++k) blocks.push_back(at::full({n + 16 * k}, NAN));
  }
}

// A convolution's output and its three gradients.
struct Pass {
  at::Tensor output, input, weight, bias;
};

// The loss is sum(y²), so that each gradient depends on the output, not only on the shapes.
at::Tensor Backward(const at::Tensor& y) {
  DirtyTheHeap();
  (y * y).sum().backward();
  return y.detach();
}

Pass OfTheModule(torch::nn::Conv2d& conv, const at::Tensor& x) {
  const at::Tensor input = x.clone().requires_grad_();
  conv->zero_grad();
  DirtyTheHeap();
  const at::Tensor y = Backward(conv(input));
  return {y, input.grad(), conv->weight.grad(), conv->bias.grad()};
}

// The same-padded, stride-1 convolution as im2col and one matrix product: no convolution kernel
// of LibTorch's or oneDNN's takes part.
Pass OfAnUnfoldedConvolution(const torch::nn::Conv2d& conv, const at::Tensor& x) {
  const at::Tensor input = x.clone().requires_grad_();
  const at::Tensor weight = conv->weight.detach().clone().requires_grad_();
  const at::Tensor bias = conv->bias.detach().clone().requires_grad_();
  const int64_t kernel = weight.size(2);
  const at::Tensor columns = torch::nn::functional::unfold(
      input, torch::nn::functional::UnfoldFuncOptions({kernel, kernel}).padding(kernel / 2));
  const at::Tensor y = Backward(at::matmul(weight.reshape({weight.size(0), -1}), columns)
                                    .reshape({x.size(0), weight.size(0), x.size(2), x.size(3)}) +
                                bias.reshape({1, -1, 1, 1}));
  return {y, input.grad(), weight.grad(), bias.grad()};
}

void ExpectClose(const at::Tensor& got, const at::Tensor& want, const char* what) {
  ASSERT_TRUE(at::isfinite(got).all().item<bool>()) << what << " has NaNs or infinities";
  const double largest = want.abs().max().item<double>();
  EXPECT_LE((got - want).abs().max().item<double>(), 1e-5 * largest) << what;
}

// The convolutions of the study's networks (QuickNAT's 5x5 and 1x1 at 1 to 32 input channels,
// 17, 24 and 32 being the decoder's concatenations; ResNet-18's 3x3): the output and its three
// gradients against an unfolded convolution's, over a heap of freed NaNs. LibTorch 2.6's oneDNN
// path (Debian 13, AMD EPYC) fails this: outputs off by up to 48% of their largest entry at 17
// and 24 channels, input gradients by up to 84%, NaNs (common/torch_compat.h).
TEST(MakeConv2dTest, OutputAndGradientsAreThoseOfAnUnfoldedConvolution) {
  at::manual_seed(0);
  int checked = 0;
  for (const int64_t in : {1, 8, 9, 16, 17, 24, 32}) {
    for (const int64_t kernel : {1, 3, 5}) {
      for (const int64_t size : {8, 16, 32}) {
        SCOPED_TRACE(testing::Message() << in << " channels, " << kernel << "x" << kernel << ", "
                                        << size << "x" << size);
        torch::nn::Conv2d conv =
            MakeConv2d(torch::nn::Conv2dOptions(in, 8, kernel).padding(kernel / 2));
        const at::Tensor x = at::randn({4, in, size, size});
        const Pass got = OfTheModule(conv, x);
        const Pass want = OfAnUnfoldedConvolution(conv, x);
        ExpectClose(got.output, want.output, "output");
        ExpectClose(got.input, want.input, "input gradient");
        ExpectClose(got.weight, want.weight, "weight gradient");
        ExpectClose(got.bias, want.bias, "bias gradient");
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 63);
}

TEST(MakeConv2dTest, KeepsTheOptions) {
  torch::nn::Conv2d conv =
      MakeConv2d(torch::nn::Conv2dOptions(3, 5, 7).stride(2).padding(3).bias(false));
  EXPECT_EQ(conv->weight.sizes(), (std::vector<int64_t>{5, 3, 7, 7}));
  EXPECT_FALSE(conv->bias.defined());
  EXPECT_EQ(conv(at::zeros({1, 3, 16, 16})).sizes(), (std::vector<int64_t>{1, 5, 8, 8}));
}

}  // namespace
}  // namespace nerve_mtl::models
