#include "common/compute_flags.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>

#include "absl/flags/flag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;

TEST(ComputeFlagsTest, TheDefaultsAreTheReproducibleCpuSetting) {
  absl::SetFlag(&FLAGS_device, "cpu");
  absl::SetFlag(&FLAGS_threads, 1);
  absl::StatusOr<ComputeSetup> setup = SetUpComputeFromFlags();
  ASSERT_TRUE(setup.ok()) << setup.status();
  EXPECT_EQ(DescribeCompute(setup->compute), "cpu fp32 deterministic");
  EXPECT_EQ(setup->threads, 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_TRUE(at::globalContext().deterministicAlgorithms());
}

TEST(ComputeFlagsTest, ABadValueIsBadInputNamingTheFlag) {
  absl::SetFlag(&FLAGS_device, "cpu");
  absl::SetFlag(&FLAGS_precision, "fp8");
  absl::StatusOr<ComputeSetup> setup = SetUpComputeFromFlags();
  ASSERT_FALSE(setup.ok());
  EXPECT_EQ(setup.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(setup.status().message(), HasSubstr("--precision"));
  absl::SetFlag(&FLAGS_precision, "auto");
}

}  // namespace
}  // namespace nerve_mtl
