#ifndef NERVE_MTL_COMMON_HOST_MEMORY_H_
#define NERVE_MTL_COMMON_HOST_MEMORY_H_

#include <cstddef>

namespace nerve_mtl {

// Keeps freed tensor memory in the process's heap for the next step to reuse.
//
// LibTorch's CPU allocator takes every tensor from malloc. glibc's malloc serves a block above
// its mmap threshold (128 KiB at start, raised only as such blocks are freed) with a fresh
// mapping and unmaps it on free, and returns the heap's free top to the kernel beyond its trim
// threshold: a training or evaluation step, which allocates and frees the same feature maps
// every time, then pays a page fault for each 4 KiB page of them, every step. At the study's
// sizes that halved the speed of an evaluation pass (docs/PERFORMANCE.md, "The heap"). This
// sets the mmap threshold to kHeapBlockLimit (glibc's largest) and the trim threshold to
// kHeapTrimThreshold, so the memory of one step serves the next. Process-wide; a no-op where
// the C library is not glibc. Returns whether the settings were taken.
bool KeepFreedTensorMemory();

inline constexpr size_t kHeapBlockLimit = size_t{32} << 20;
inline constexpr size_t kHeapTrimThreshold = size_t{256} << 20;

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_HOST_MEMORY_H_
