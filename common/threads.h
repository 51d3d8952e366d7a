#ifndef NERVE_MTL_COMMON_THREADS_H_
#define NERVE_MTL_COMMON_THREADS_H_

namespace nerve_mtl {

// Sets LibTorch's intra-op threads: `threads` if positive, else every core. Debian's LibTorch
// starts C++ programs with one thread, so every binary calls this from its --threads flag.
// Returns the number set.
int SetTorchThreads(int threads);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_THREADS_H_
