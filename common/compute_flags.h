#ifndef NERVE_MTL_COMMON_COMPUTE_FLAGS_H_
#define NERVE_MTL_COMMON_COMPUTE_FLAGS_H_

// The flags of every binary that trains or applies a network, defined once: --threads, --device,
// --precision and --deterministic (README, "GPUs and the CMake build"). Only main()s link this
// library and call it; what they pass down is a Compute (docs/DESIGN.md §2 and §4).

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "common/compute.h"

ABSL_DECLARE_FLAG(int, threads);
ABSL_DECLARE_FLAG(std::string, device);
ABSL_DECLARE_FLAG(std::string, precision);
ABSL_DECLARE_FLAG(std::string, deterministic);

namespace nerve_mtl {

struct ComputeSetup {
  Compute compute;
  int threads = 0;  // LibTorch's intra-op threads, as set.
};

// Resolves --device, --precision and --deterministic (ResolveCompute: an unknown value, or cuda
// without a GPU, is InvalidArgument naming the flag, so the caller exits 2 before any work),
// applies them (ApplyCompute) and sets LibTorch's threads from --threads (SetTorchThreads).
absl::StatusOr<ComputeSetup> SetUpComputeFromFlags();

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_COMPUTE_FLAGS_H_
