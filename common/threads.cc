#include "common/threads.h"

#include <ATen/Parallel.h>

#include <thread>

namespace nerve_mtl {

int SetTorchThreads(int threads) {
  const int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(n > 0 ? n : 1);
  return at::get_num_threads();
}

}  // namespace nerve_mtl
