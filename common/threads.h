#ifndef NERVE_MTL_COMMON_THREADS_H_
#define NERVE_MTL_COMMON_THREADS_H_

namespace nerve_mtl {

// Sets LibTorch's intra-op threads: `threads` if positive, else every core. Debian's LibTorch
// starts C++ programs with one thread, so every binary calls this from its --threads flag.
// Returns the number set. It also makes the other process-wide CPU setting every binary needs,
// KeepFreedTensorMemory (common/host_memory.h).
int SetTorchThreads(int threads);

// Threads for each of `jobs` processes sharing `threads` (positive, else every core): an equal
// share, rounded down, at least 1. --jobs=N --threads=T gives each trial T/N, so that trials
// reproduce a run of one process with --threads=T/N (docs/DESIGN.md §5, "Trials side by side").
int ThreadsPerJob(int threads, int jobs);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_THREADS_H_
