#include "common/compute.h"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/nn/modules/conv.h>

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;

TEST(ResolveComputeTest, AutoOnCpuIsTheReproducibleDefault) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a GPU is present: auto picks it";
  absl::StatusOr<Compute> compute = ResolveCompute("auto", "auto", "auto");
  ASSERT_TRUE(compute.ok()) << compute.status();
  EXPECT_TRUE(compute->device.is_cpu());
  EXPECT_EQ(compute->precision, Precision::kFloat32);
  EXPECT_TRUE(compute->deterministic);
  EXPECT_FALSE(compute->channels_last());
  EXPECT_EQ(DescribeCompute(*compute), "cpu fp32 deterministic");
}

TEST(ResolveComputeTest, ExplicitChoices) {
  absl::StatusOr<Compute> compute = ResolveCompute("cpu", "bf16", "false");
  ASSERT_TRUE(compute.ok()) << compute.status();
  EXPECT_EQ(compute->precision, Precision::kBFloat16);
  EXPECT_FALSE(compute->deterministic);
  EXPECT_TRUE(compute->channels_last());
  EXPECT_EQ(DescribeCompute(*compute), "cpu bf16 channels-last autotuned");
}

TEST(ResolveComputeTest, BadValuesNameTheFlag) {
  EXPECT_THAT(ResolveCompute("gpu", "auto", "auto").status().message(),
              HasSubstr("--device=gpu: expected auto, cpu, cuda or cuda:N"));
  EXPECT_THAT(ResolveCompute("cuda:x", "auto", "auto").status().message(),
              HasSubstr("--device=cuda:x: expected cuda:N"));
  EXPECT_THAT(ResolveCompute("cpu", "fp16", "auto").status().message(),
              HasSubstr("--precision=fp16: expected auto, fp32 or bf16"));
  EXPECT_THAT(ResolveCompute("cpu", "fp32", "yes").status().message(),
              HasSubstr("--deterministic=yes: expected auto, true or false"));
}

TEST(ResolveComputeTest, CudaWithoutGpuIsAnError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a GPU is present";
  absl::StatusOr<Compute> compute = ResolveCompute("cuda", "auto", "auto");
  ASSERT_FALSE(compute.ok());
  EXPECT_EQ(compute.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(compute.status().message(),
              HasSubstr("--device=cuda: LibTorch sees 0 CUDA device(s)"));
}

TEST(AutocastScopeTest, Bf16InsideFp32AfterAndNested) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(1, 4, 3).padding(1));
  const at::Tensor x = at::randn({2, 1, 8, 8});
  Compute bf16;
  bf16.precision = Precision::kBFloat16;
  {
    AutocastScope outer(bf16);
    EXPECT_EQ(conv->forward(x).scalar_type(), at::kBFloat16);
    {
      AutocastScope inner(bf16);
      EXPECT_EQ(conv->forward(x).scalar_type(), at::kBFloat16);
    }
    EXPECT_EQ(conv->forward(x).scalar_type(), at::kBFloat16) << "inner scope ended autocast";
  }
  EXPECT_EQ(conv->forward(x).scalar_type(), at::kFloat);
  {
    AutocastScope fp32((Compute()));
    EXPECT_EQ(conv->forward(x).scalar_type(), at::kFloat);
  }
}

TEST(PlaceTest, ChannelsLastGivesTheSameResult) {
  torch::manual_seed(3);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 8, 5).padding(2));
  const at::Tensor x = at::randn({2, 3, 16, 16});
  const at::Tensor expected = conv->forward(x);
  Compute fast;
  fast.deterministic = false;
  PlaceModule(*conv, fast);
  EXPECT_TRUE(conv->weight.is_contiguous(at::MemoryFormat::ChannelsLast));
  const at::Tensor placed = PlaceImages(x, fast);
  EXPECT_TRUE(placed.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_TRUE(at::allclose(conv->forward(placed), expected, 1e-5, 1e-5));
}

}  // namespace
}  // namespace nerve_mtl
