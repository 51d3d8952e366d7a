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

TEST(ThreadsTest, EachJobGetsAnEqualShareAndAtLeastOne) {
  EXPECT_EQ(ThreadsPerJob(2, 2), 1);
  EXPECT_EQ(ThreadsPerJob(8, 3), 2);
  EXPECT_EQ(ThreadsPerJob(2, 4), 1);
  EXPECT_EQ(ThreadsPerJob(6, 1), 6);
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(ThreadsPerJob(0, 1), cores);
  EXPECT_EQ(ThreadsPerJob(0, cores), 1);
}

}  // namespace
}  // namespace nerve_mtl
