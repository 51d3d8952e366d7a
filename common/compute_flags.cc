#include "common/compute_flags.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/threads.h"

ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");
ABSL_FLAG(std::string, device, "auto", "auto (cuda when LibTorch sees a GPU), cpu, cuda or cuda:N");
ABSL_FLAG(std::string, precision, "auto", "auto (bf16 on cuda, fp32 on cpu), fp32 or bf16");
ABSL_FLAG(std::string, deterministic, "auto",
          "auto (true on cpu, false on cuda), true (bit-identical reruns) or false (cuDNN "
          "autotuning, TF32, channels-last)");

namespace nerve_mtl {

absl::StatusOr<ComputeSetup> SetUpComputeFromFlags() {
  absl::StatusOr<Compute> compute =
      ResolveCompute(absl::GetFlag(FLAGS_device), absl::GetFlag(FLAGS_precision),
                     absl::GetFlag(FLAGS_deterministic));
  if (!compute.ok()) return absl::InvalidArgumentError(compute.status().message());
  ApplyCompute(*compute);
  ComputeSetup setup;
  setup.compute = *compute;
  setup.threads = SetTorchThreads(absl::GetFlag(FLAGS_threads));
  return setup;
}

}  // namespace nerve_mtl
