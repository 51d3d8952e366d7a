#include "study/dry_run.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// One row (QuickNAT, 3 epochs, 4 training images), over four seeds.
StudyPlan Plan() {
  Study study;
  absl::Status s = ParseTextProto(R"pb(
                                    name: "tiny"
                                    base {
                                      data {
                                        phantom { patients: 3 images_per_patient: 4 }
                                        height: 32
                                        width: 32
                                      }
                                      model { name: "quicknat" filters: 4 kernel_size: 3 depth: 2 }
                                      training { epochs: 3 }
                                    }
                                    seed: [ 0, 1, 2, 3 ]
                                  )pb",
                                  "tiny", &study);
  EXPECT_TRUE(s.ok()) << s;
  absl::StatusOr<StudyPlan> plan = PrepareStudy(study);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(DryRunTest, ATrialWithoutResultsIsToDoWithARoughEstimate) {
  const StudyPlan plan = Plan();
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/empty";
  const std::string out = DescribePlan(plan, plan.trials, dir);
  EXPECT_THAT(out, HasSubstr("tiny "));  // The one row, named after the study.
  EXPECT_THAT(out, HasSubstr("4 trials: 0 done, 0 failed, 4 to do"));
  EXPECT_THAT(out, HasSubstr("estimated time"));
  EXPECT_THAT(out, HasSubstr("rough: no finished trial"));
  EXPECT_FALSE(fs::exists(dir)) << "a dry run writes nothing";
}

TEST(DryRunTest, StatesComeFromTheResultsFolderAndTheEstimateFromFinishedTrials) {
  const StudyPlan plan = Plan();
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / "some";
  // Trial 0 done: 3 epochs over 4 images in 12 s, so 1 s per image-epoch.
  Write(dir / "trials" / plan.trials[0].id / "result.textproto",
        "status: OK train_seconds: 12 epoch {} epoch {} epoch {}");
  Write(dir / "trials" / plan.trials[1].id / "result.textproto",
        "status: FAILED failure: \"epoch 1 step 1: segmentation loss is nan\"");
  Write(dir / "trials" / plan.trials[2].id / "checkpoint.pt", "");
  const std::string out = DescribePlan(plan, plan.trials, dir.string());
  EXPECT_THAT(out, HasSubstr("(seed 0, " + plan.trials[0].id + "): done"));
  EXPECT_THAT(out, HasSubstr("failed: epoch 1 step 1: segmentation loss is nan"));
  EXPECT_THAT(out, HasSubstr("to do (resumes from its checkpoint)"));
  EXPECT_THAT(out, HasSubstr("4 trials: 1 done, 1 failed, 2 to do"));
  // Two trials left, 3 epochs x 4 images each at 1 s: 24 s.
  EXPECT_THAT(out, HasSubstr("estimated time: 0:24 (from the 1 finished trials"));
  EXPECT_THAT(out, Not(HasSubstr("rough")));
}

}  // namespace
}  // namespace nerve_mtl::study
