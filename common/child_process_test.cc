#include "common/child_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;

std::string Tmp(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ChildEnd RunShell(const std::string& script, const std::string& log) {
  absl::StatusOr<pid_t> pid = StartChild({"/bin/sh", "-c", script}, log);
  EXPECT_TRUE(pid.ok()) << pid.status();
  absl::StatusOr<ChildEnd> end = WaitForAnyChild({*pid});
  EXPECT_TRUE(end.ok()) << end.status();
  EXPECT_EQ(end->pid, *pid);
  return *end;
}

TEST(ChildProcessTest, OutputGoesToTheLogAndTheExitIsDescribed) {
  const ChildEnd end = RunShell("echo out; echo err >&2; exit 3", Tmp("exit.log"));
  EXPECT_EQ(DescribeExit(end.status), "exited with status 3");
  EXPECT_FALSE(Interrupted(end.status));
  EXPECT_EQ(Read(Tmp("exit.log")), "out\nerr\n");
}

TEST(ChildProcessTest, ACrashIsNotAnInterruption) {
  const ChildEnd crash = RunShell("kill -SEGV $$", Tmp("crash.log"));
  EXPECT_THAT(DescribeExit(crash.status), HasSubstr("killed by signal 11"));
  EXPECT_FALSE(Interrupted(crash.status));
  EXPECT_TRUE(Interrupted(RunShell("kill -TERM $$", Tmp("term.log")).status));
  EXPECT_TRUE(Interrupted(RunShell("kill -KILL $$", Tmp("kill.log")).status));
}

TEST(ChildProcessTest, AProgramThatDoesNotExistExits127) {
  absl::StatusOr<pid_t> pid = StartChild({"/nonexistent/program"}, Tmp("none.log"));
  ASSERT_TRUE(pid.ok()) << pid.status();
  absl::StatusOr<ChildEnd> end = WaitForAnyChild({*pid});
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(DescribeExit(end->status), "exited with status 127");
  EXPECT_THAT(Read(Tmp("none.log")), HasSubstr("exec failed"));
}

TEST(ChildProcessTest, WaitsForWhicheverEndsFirst) {
  absl::StatusOr<pid_t> slow = StartChild({"/bin/sleep", "30"}, Tmp("slow.log"));
  absl::StatusOr<pid_t> fast = StartChild({"/bin/true"}, Tmp("fast.log"));
  ASSERT_TRUE(slow.ok() && fast.ok());
  absl::StatusOr<ChildEnd> end = WaitForAnyChild({*slow, *fast});
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->pid, *fast);
  const auto start = std::chrono::steady_clock::now();
  StopChildren({*slow});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_NE(kill(*slow, 0), 0) << "stopped and reaped";
}

// Dead or a zombie nobody has reaped yet: /proc says which.
bool Gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && text.size() > paren + 2 && text[paren + 2] == 'Z';
}

// The orphan case: a middle process starts a child, reports its pid and dies at once (as a
// runner killed with SIGKILL does); the child must not outlive it.
TEST(ChildProcessTest, ChildrenDieWithTheirParent) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    absl::StatusOr<pid_t> child = StartChild({"/bin/sleep", "60"}, Tmp("orphan.log"));
    const pid_t pid = child.ok() ? *child : -1;
    (void)!write(pipe_fds[1], &pid, sizeof(pid));
    kill(getpid(), SIGKILL);
  }
  close(pipe_fds[1]);
  pid_t child = -1;
  ASSERT_EQ(read(pipe_fds[0], &child, sizeof(child)), static_cast<ssize_t>(sizeof(child)));
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(middle, &status, 0), middle);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Gone(child) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(Gone(child)) << "the child of a killed parent lives on";
}

}  // namespace
}  // namespace nerve_mtl
