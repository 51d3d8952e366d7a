#include "study/rerun.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "study/spec.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RerunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::path(std::getenv("TEST_TMPDIR")) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name())
               .string();
    fs::create_directories(dir_ + "/trial");
    Experiment e;
    e.set_name("ResNet-18");
    e.mutable_model()->set_name("resultnet");
    saved_ = SavedExperiment(e, 3);  // Writes cross_stitch_* out with their defaults.
    result_.set_status(Result::OK);
    result_.set_trial_id(TrialId(e));
    *result_.mutable_experiment() = saved_;
    result_.mutable_test()->set_accuracy(0.5);
    result_.mutable_environment()->set_threads(2);
    Write("experiment.textproto", saved_);
    Write("result.textproto", result_);
  }

  void Write(const std::string& name, const google::protobuf::Message& m) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(m, &text);
    std::ofstream(dir_ + "/trial/" + name) << text;
  }

  std::string dir_;
  Experiment saved_;
  Result result_;
};

TEST_F(RerunTest, ReadsATrialFolder) {
  absl::StatusOr<SavedTrial> trial = ReadSavedTrial(dir_ + "/trial");
  ASSERT_TRUE(trial.ok()) << trial.status();
  EXPECT_EQ(TrialId(trial->experiment), result_.trial_id());
  EXPECT_EQ(trial->result.test().accuracy(), 0.5);
}

TEST_F(RerunTest, RefusesWhatCannotBeRerun) {
  absl::Status s = ReadSavedTrial(dir_).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr(dir_ + "/experiment.textproto: no such file"));
  Result failed = result_;
  failed.set_status(Result::FAILED);
  failed.set_failure("epoch 1 step 1: segmentation loss is NaN");
  Write("result.textproto", failed);
  EXPECT_THAT(ReadSavedTrial(dir_ + "/trial").status().message(),
              HasSubstr("did not finish (FAILED: epoch 1 step 1"));
  std::ofstream(dir_ + "/trial/experiment.textproto") << "training { epoch: 3 }\n";
  EXPECT_THAT(ReadSavedTrial(dir_ + "/trial").status().message(),
              HasSubstr("experiment.textproto:1:"));
}

TEST_F(RerunTest, TrainsIntoANewFolderNeverTheTrialsOwn) {
  absl::StatusOr<SavedTrial> trial = ReadSavedTrial(dir_ + "/trial");
  ASSERT_TRUE(trial.ok());
  const std::string id = result_.trial_id();
  EXPECT_EQ(*RerunDir(*trial, "", dir_ + "/reruns"), dir_ + "/reruns/" + id);
  fs::create_directories(dir_ + "/reruns/" + id);
  fs::create_directories(dir_ + "/reruns/" + id + "-2");
  EXPECT_EQ(*RerunDir(*trial, "", dir_ + "/reruns"), dir_ + "/reruns/" + id + "-3");
  EXPECT_EQ(*RerunDir(*trial, dir_ + "/x", dir_ + "/reruns"), dir_ + "/x");
  const absl::Status s = RerunDir(*trial, dir_ + "/./trial/", dir_ + "/reruns").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("is the trial's own folder"));
}

TEST_F(RerunTest, ReportsIdenticalOrEachMovedValue) {
  absl::StatusOr<SavedTrial> trial = ReadSavedTrial(dir_ + "/trial");
  ASSERT_TRUE(trial.ok());
  Result rerun = result_;
  rerun.mutable_environment()->set_threads(2);
  std::ostringstream same;
  EXPECT_TRUE(ReportRerun(*trial, rerun, 0, same));
  EXPECT_THAT(same.str(), HasSubstr("identical: the rerun reproduces"));
  EXPECT_TRUE(RerunNotes(*trial, rerun).empty());

  rerun.mutable_test()->set_accuracy(0.375);
  rerun.mutable_environment()->set_threads(1);
  std::ostringstream moved;
  EXPECT_FALSE(ReportRerun(*trial, rerun, 0.1, moved));
  EXPECT_THAT(moved.str(), HasSubstr("1 value(s) moved (tolerance 0.1)"));
  EXPECT_THAT(moved.str(), HasSubstr("test.accuracy: 0.5 (saved) -> 0.375 (rerun)"));
  EXPECT_THAT(RerunNotes(*trial, rerun),
              ElementsAre(HasSubstr("2 threads, the rerun with 1")));
}

}  // namespace
}  // namespace nerve_mtl::study
