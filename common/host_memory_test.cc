#include "common/host_memory.h"

#include <sys/resource.h>

#include <ATen/ATen.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr int kBlocks = 8;  // a step's feature maps: 8 MiB, 2048 pages of 4 KiB

long MinorFaults() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Page faults of one "step": allocate and write kBlocks blocks of 1 MiB, then free them all.
long MallocStep() {
  const long before = MinorFaults();
  std::vector<void*> blocks;
  for (int i = 0; i < kBlocks; ++i) {
    blocks.push_back(std::malloc(kMiB));
    std::memset(blocks.back(), 1, kMiB);
  }
  for (void* block : blocks) std::free(block);
  return MinorFaults() - before;
}

long TensorStep() {
  const long before = MinorFaults();
  {
    std::vector<at::Tensor> maps;
    for (int i = 0; i < kBlocks; ++i) maps.push_back(at::ones({int64_t{kMiB / sizeof(float)}}));
  }
  return MinorFaults() - before;
}

// One test, in this order: glibc's defaults hold only until the call, which is process-wide.
TEST(HostMemoryTest, RepeatedStepsReuseTheHeapOnlyAfterTheCall) {
  // glibc's defaults (mallopt(3)): after the first step has freed its mapped blocks, the mmap
  // threshold rises to 1 MiB and the trim threshold to twice that, so later steps take their
  // blocks from the heap, but freeing 8 MiB at its top returns them to the kernel: each step
  // faults every page in again.
  MallocStep();
  EXPECT_GE(MallocStep(), kBlocks * 256 * 9 / 10) << "glibc's default kept the freed pages";

  ASSERT_TRUE(KeepFreedTensorMemory());
  MallocStep();  // grows the heap once
  EXPECT_LT(MallocStep(), 64) << "a step after the call faulted its pages in again";
  // LibTorch aligns its blocks (posix_memalign), which leaves gaps the next step's blocks do not
  // fit at first: the heap settles after a few steps (three with LibTorch 1.13, five with 2.6).
  for (int i = 0; i < 8; ++i) TensorStep();
  for (int i = 0; i < 3; ++i) {
    EXPECT_LT(TensorStep(), 64) << "LibTorch's tensors go through the same malloc";
  }
}

}  // namespace
}  // namespace nerve_mtl
