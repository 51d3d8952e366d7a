#include "common/threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

#include "common/host_memory.h"

namespace nerve_mtl {

int SetTorchThreads(int threads) {
  KeepFreedTensorMemory();
  const int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(n > 0 ? n : 1);
  return at::get_num_threads();
}

int ThreadsPerJob(int threads, int jobs) {
  const int total = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, total / std::max(1, jobs));
}

}  // namespace nerve_mtl
