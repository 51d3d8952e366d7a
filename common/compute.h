#ifndef NERVE_MTL_COMMON_COMPUTE_H_
#define NERVE_MTL_COMMON_COMPUTE_H_

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <string>

#include "absl/status/statusor.h"

namespace torch::nn {
class Module;
}  // namespace torch::nn

namespace nerve_mtl {

enum class Precision { kFloat32, kBFloat16 };

// Where and how tensors compute. The default is the reproducible CPU setting every test and the
// committed tables use; ResolveCompute turns the --device/--precision/--deterministic flags of
// the main()s into one of these.
struct Compute {
  c10::Device device = c10::Device(c10::kCPU);
  // kBFloat16: the forward pass runs under autocast (convolutions in bf16, reductions and the
  // losses in fp32); weights, gradients and the optimiser stay fp32.
  Precision precision = Precision::kFloat32;
  // Deterministic: deterministic algorithms, cuDNN without autotuning, no TF32, contiguous
  // layout; bit-identical reruns. Otherwise fast: cuDNN autotuning, TF32 for fp32 matmuls,
  // channels-last images and weights.
  bool deterministic = true;

  bool channels_last() const { return !deterministic; }
  bool cuda() const { return device.is_cuda(); }
};

// device: auto (cuda when LibTorch sees a GPU, else cpu), cpu, cuda, cuda:N.
// precision: auto (bf16 on cuda, fp32 on cpu), fp32, bf16.
// deterministic: auto (true on cpu, false on cuda), true, false.
// An unknown value, or cuda without a usable GPU, is an InvalidArgument error naming the flag.
absl::StatusOr<Compute> ResolveCompute(const std::string& device, const std::string& precision,
                                       const std::string& deterministic);

// Sets the process-wide switches for `compute` (deterministic algorithms, cuDNN autotuning, TF32).
void ApplyCompute(const Compute& compute);

// One line for logs and reports, e.g. "cpu fp32 deterministic" or
// "cuda:0 bf16 channels-last autotuned".
std::string DescribeCompute(const Compute& compute);

// Moves a module's parameters and buffers to the device, 4-d ones to channels-last if asked.
void PlaceModule(torch::nn::Module& module, const Compute& compute);

// A batch of images (N, C, H, W) on the device, in the compute's memory format.
at::Tensor PlaceImages(const at::Tensor& images, const Compute& compute);

// Autocast to bf16 on the compute's device for the scope's lifetime; nothing for fp32. Outputs
// of the forward pass come out in bf16: cast them to fp32 before the losses.
class AutocastScope {
 public:
  explicit AutocastScope(const Compute& compute);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  c10::DeviceType device_type_;
  bool active_ = false;
  bool was_enabled_ = false;
};

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_COMPUTE_H_
