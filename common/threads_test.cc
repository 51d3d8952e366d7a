#include "common/threads.h"

#include <ATen/Parallel.h>

#include <thread>

#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

TEST(ThreadsTest, ExplicitCountAndAllCoresDefault) {
  EXPECT_EQ(SetTorchThreads(1), 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(SetTorchThreads(0), cores);
  EXPECT_EQ(at::get_num_threads(), cores);
}

}  // namespace
}  // namespace nerve_mtl
