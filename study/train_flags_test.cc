#include "study/train_flags.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "study/spec.h"

namespace nerve_mtl::study {
namespace {

using ::testing::HasSubstr;

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string StudyFile() {
  return Write("study.textproto", R"pb(
    name: "s"
    base { model { filters: 4 } training { epochs: 8 } }
    axis {
      name: "variant"
      value { label: "QuickNAT" set { model { name: "quicknat" } } }
      value { label: "ResNet-18" set { model { name: "resultnet" } } }
    }
    seed: 0
  )pb");
}

TEST(TrainFlagsTest, OverrideReachesAStudyRowAndItsTrialId) {
  TrainRequest plain;
  plain.study = StudyFile();
  plain.row = "ResNet-18";
  plain.out = "out";
  TrainRequest overridden = plain;
  overridden.overrides = {"training { epochs: 24 }", "model { filters: 6 }"};
  ASSERT_TRUE(CheckTrainRequest(overridden).ok());
  absl::StatusOr<Experiment> a = RequestedExperiment(plain);
  absl::StatusOr<Experiment> b = RequestedExperiment(overridden);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->training().epochs(), 8);
  EXPECT_EQ(b->training().epochs(), 24);
  EXPECT_EQ(b->model().filters(), 6);
  EXPECT_EQ(b->model().name(), "resultnet");
  EXPECT_NE(TrialId(*a), TrialId(*b));
}

TEST(TrainFlagsTest, BadOverrideOfARowNamesItAndTheRow) {
  TrainRequest r;
  r.study = StudyFile();
  r.row = "QuickNAT";
  r.out = "out";
  r.overrides = {"training { epoch: 3 }"};
  EXPECT_THAT(RequestedExperiment(r).status().message(), HasSubstr("override 1:1:"));
  r.overrides = {"training { epochs: 0 }"};
  const absl::Status s = RequestedExperiment(r).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("row 'QuickNAT' with --override: training.epochs"));
  r.row = "ResNet-50";
  r.overrides.clear();
  EXPECT_THAT(RequestedExperiment(r).status().message(),
              HasSubstr("no row 'ResNet-50' (rows: QuickNAT; ResNet-18)"));
}

TEST(TrainFlagsTest, AFlagThatDoesNotApplyNamesBoth) {
  struct Case {
    TrainRequest request;
    const char* message;
  };
  TrainRequest rerun;
  rerun.rerun = "trials/abc";
  TrainRequest spec;
  spec.spec = "e.textproto";
  spec.out = "out";
  std::vector<Case> cases;
  for (auto [field, flag] : {std::pair{&TrainRequest::spec, "--spec"},
                             std::pair{&TrainRequest::study, "--study"},
                             std::pair{&TrainRequest::row, "--row"}}) {
    TrainRequest r = rerun;
    r.*field = "x";
    cases.push_back({r, flag});
  }
  for (const Case& c : cases) {
    const absl::Status s = CheckTrainRequest(c.request);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(s.message(), HasSubstr(std::string(c.message) + " does not apply with --rerun"));
  }
  TrainRequest r = rerun;
  r.overrides = {"seed: 1"};
  EXPECT_THAT(CheckTrainRequest(r).message(), HasSubstr("--override does not apply with --rerun"));
  r = spec;
  r.tolerance = 1e-6;
  EXPECT_THAT(CheckTrainRequest(r).message(), HasSubstr("--tolerance does not apply with --spec"));
  r = spec;
  r.study = "s.textproto";
  EXPECT_THAT(CheckTrainRequest(r).message(), HasSubstr("--spec does not apply with --study"));
  r = spec;
  r.row = "QuickNAT";
  EXPECT_THAT(CheckTrainRequest(r).message(), HasSubstr("--row does not apply with --spec"));
  r = spec;
  r.out.clear();
  EXPECT_THAT(CheckTrainRequest(r).message(), HasSubstr("--out is required"));
  r = TrainRequest();
  r.study = "s.textproto";
  r.out = "out";
  EXPECT_THAT(CheckTrainRequest(r).message(), HasSubstr("needs --row"));
  EXPECT_TRUE(CheckTrainRequest(rerun).ok()) << "--rerun needs no --out";
  EXPECT_TRUE(CheckTrainRequest(spec).ok());
}

TEST(TrainFlagsTest, PretrainedDirOnlyForAModelWithBranches) {
  TrainRequest r;
  r.pretrained_dir = "cache";
  Experiment e;
  e.mutable_model()->set_name("resultnet");
  EXPECT_THAT(CheckPretrainedDir(r, e, false).message(),
              HasSubstr("--pretrained_dir does not apply with model 'resultnet'"));
  EXPECT_TRUE(CheckPretrainedDir(r, e, true).ok());
  r.pretrained_dir.clear();
  EXPECT_TRUE(CheckPretrainedDir(r, e, false).ok());
}

}  // namespace
}  // namespace nerve_mtl::study
