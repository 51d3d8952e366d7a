#include "common/torch_compat.h"

#include <string>

#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

TEST(TorchCompatTest, VersionMatchesTheHeadersVersionString) {
  EXPECT_EQ(std::to_string(kLibTorchMajor) + "." + std::to_string(kLibTorchMinor),
            std::string(TORCH_VERSION).substr(0, std::string(TORCH_VERSION).rfind('.')));
}

TEST(TorchCompatTest, CpuFastModeIsExactOnlyWhereItWasMeasuredExact) {
  if (kLibTorchMajor < 2) {
    EXPECT_LE(kCpuFastModeLossTolerance, 1e-6) << "LibTorch 1.13's CPU fast mode is exact";
  } else {
    // Above the largest measured difference (2.9e-4, Debian 13's 2.6), below the GPU's 1e-2.
    EXPECT_GT(kCpuFastModeLossTolerance, 2.9e-4);
    EXPECT_LT(kCpuFastModeLossTolerance, 1e-2);
  }
}

}  // namespace
}  // namespace nerve_mtl
