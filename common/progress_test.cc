#include "common/progress.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ProgressTest, PlainLinesAtIntervalsWithEta) {
  std::ostringstream out;
  double now = 0.0;
  Progress progress(&out, /*terminal=*/false, 10.0, [&] { return now; });
  progress.Start("epoch 1/5", 100);
  now = 5.0;
  progress.Update(10, "loss 0.5");
  EXPECT_EQ(out.str(), "") << "no line before the interval";
  now = 20.0;
  progress.Update(40, "loss 0.4");
  // 40 steps in 20 s: 60 left take 30 s.
  EXPECT_EQ(out.str(), "epoch 1/5 40/100  loss 0.4  elapsed 0:20 ETA 0:30\n");
  progress.Finish("done");
  EXPECT_THAT(out.str(), HasSubstr("epoch 1/5 100/100  done  elapsed 0:20 ETA 0:00\n"));
  EXPECT_THAT(out.str(), Not(HasSubstr("\r")));
}

TEST(ProgressTest, TerminalRedrawsABar) {
  std::ostringstream out;
  double now = 0.0;
  Progress progress(&out, /*terminal=*/true, 10.0, [&] { return now; });
  progress.Start("trials", 4);
  now = 1.0;
  progress.Update(2, "");
  EXPECT_THAT(out.str(), HasSubstr("\rtrials [############............] 2/4"));
}

TEST(ProgressTest, Durations) {
  EXPECT_EQ(Progress::FormatDuration(5), "0:05");
  EXPECT_EQ(Progress::FormatDuration(125), "2:05");
  EXPECT_EQ(Progress::FormatDuration(3725), "1:02:05");
}

}  // namespace
}  // namespace nerve_mtl
