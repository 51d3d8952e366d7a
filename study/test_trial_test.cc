#include "study/test_trial.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "study/spec.h"

namespace nerve_mtl::study {
namespace {

TEST(TestTrialTest, TheTinyExperimentIsAValidMultitaskTrial) {
  const Experiment e = TinyExperiment();
  EXPECT_TRUE(ValidateExperiment(e).ok()) << ValidateExperiment(e);
  EXPECT_EQ(e.model().name(), "quickfcn");
  EXPECT_EQ(e.loss().strategy(), "linear");
  EXPECT_EQ(e.data().height(), 32);
}

TEST(TestTrialTest, PathsAreUnderTheTestsTemporaryFolder) {
  EXPECT_EQ(TestPath("trial/a.pt"), std::string(std::getenv("TEST_TMPDIR")) + "/trial/a.pt");
}

}  // namespace
}  // namespace nerve_mtl::study
