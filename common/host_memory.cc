#include "common/host_memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nerve_mtl {

bool KeepFreedTensorMemory() {
#if defined(__GLIBC__)
  // Setting either threshold also turns off glibc's adjusting of both (mallopt(3)).
  return mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapBlockLimit)) == 1 &&
         mallopt(M_TRIM_THRESHOLD, static_cast<int>(kHeapTrimThreshold)) == 1;
#else
  return false;
#endif
}

}  // namespace nerve_mtl
