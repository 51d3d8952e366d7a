#include "common/compute.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/nn/module.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

// LibTorch 2.4 replaced the per-device autocast functions with ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define NERVE_MTL_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace nerve_mtl {
namespace {

bool IsEnabled(c10::DeviceType type) {
#ifdef NERVE_MTL_AUTOCAST_BY_DEVICE_TYPE
  return at::autocast::is_autocast_enabled(type);
#else
  return type == c10::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void Enable(c10::DeviceType type, bool enabled) {
#ifdef NERVE_MTL_AUTOCAST_BY_DEVICE_TYPE
  at::autocast::set_autocast_dtype(type, at::kBFloat16);
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (type == c10::kCUDA) {
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(enabled);
  }
#endif
}

}  // namespace

absl::StatusOr<Compute> ResolveCompute(const std::string& device, const std::string& precision,
                                       const std::string& deterministic) {
  Compute compute;
  if (device == "auto") {
    if (torch::cuda::is_available()) compute.device = c10::Device(c10::kCUDA, 0);
  } else if (device == "cuda" || absl::StartsWith(device, "cuda:")) {
    int index = 0;
    if (device != "cuda" && (!absl::SimpleAtoi(device.substr(5), &index) || index < 0)) {
      return absl::InvalidArgumentError(absl::StrCat("--device=", device, ": expected cuda:N"));
    }
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index >= count) {
      return absl::InvalidArgumentError(
          absl::StrCat("--device=", device, ": LibTorch sees ", count, " CUDA device(s)",
                       count == 0 ? " (no GPU, or a LibTorch built without CUDA)" : ""));
    }
    compute.device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
  } else if (device != "cpu") {
    return absl::InvalidArgumentError(
        absl::StrCat("--device=", device, ": expected auto, cpu, cuda or cuda:N"));
  }
  if (precision == "auto") {
    compute.precision = compute.cuda() ? Precision::kBFloat16 : Precision::kFloat32;
  } else if (precision == "bf16") {
    compute.precision = Precision::kBFloat16;
  } else if (precision != "fp32") {
    return absl::InvalidArgumentError(
        absl::StrCat("--precision=", precision, ": expected auto, fp32 or bf16"));
  }
  if (deterministic == "auto") {
    compute.deterministic = !compute.cuda();
  } else if (deterministic == "false") {
    compute.deterministic = false;
  } else if (deterministic != "true") {
    return absl::InvalidArgumentError(
        absl::StrCat("--deterministic=", deterministic, ": expected auto, true or false"));
  }
  return compute;
}

void ApplyCompute(const Compute& compute) {
  if (compute.cuda() && compute.deterministic) {
    // cuBLAS is deterministic only with a fixed workspace, chosen before its first handle.
    setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", /*overwrite=*/0);
  }
  at::Context& context = at::globalContext();
  context.setDeterministicAlgorithms(compute.deterministic, /*warn_only=*/false);
  context.setDeterministicCuDNN(compute.deterministic);
  context.setBenchmarkCuDNN(!compute.deterministic);
  context.setAllowTF32CuDNN(!compute.deterministic);
  context.setAllowTF32CuBLAS(!compute.deterministic);
}

std::string DescribeCompute(const Compute& compute) {
  return absl::StrCat(compute.device.str(),
                      compute.precision == Precision::kBFloat16 ? " bf16" : " fp32",
                      compute.deterministic ? " deterministic" : " channels-last autotuned");
}

void PlaceModule(torch::nn::Module& module, const Compute& compute) {
  module.to(compute.device);
  if (!compute.channels_last()) return;
  torch::NoGradGuard no_grad;
  for (at::Tensor& p : module.parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
  }
}

at::Tensor PlaceImages(const at::Tensor& images, const Compute& compute) {
  at::Tensor placed = images.to(compute.device, /*non_blocking=*/compute.cuda());
  return compute.channels_last() ? placed.contiguous(at::MemoryFormat::ChannelsLast) : placed;
}

AutocastScope::AutocastScope(const Compute& compute) : device_type_(compute.device.type()) {
  if (compute.precision != Precision::kBFloat16) return;
  active_ = true;
  was_enabled_ = IsEnabled(device_type_);
  Enable(device_type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  // Casts of the weights are cached for the outermost scope; drop them when it ends.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  Enable(device_type_, was_enabled_);
}

}  // namespace nerve_mtl
