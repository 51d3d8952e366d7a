// Every trial of every study spec in the repository passes the models' and the strategies' own
// validators (models::ValidateModelSpec, losses::ValidateLossSpec, the segmentation loss's): as
// resolved for training, with every default spelled out, and for soft sharing as the specs of
// the branches it pretrains. A validator that refused a committed study would stop it before
// its first trial.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/textproto.h"
#include "gtest/gtest.h"
#include "losses/segmentation_loss.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "models/softquickfcn.h"
#include "study/grid.h"
#include "study/spec.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

TEST(ComponentValidatorsTest, AcceptEveryTrialOfEveryStudy) {
  int trials_checked = 0;
  for (const auto& entry : fs::directory_iterator("study/studies")) {
    if (entry.path().extension() != ".textproto") continue;
    const std::string path = entry.path().string();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    Study study;
    ASSERT_TRUE(ParseTextProto(text.str(), path, &study).ok()) << path;
    absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
    ASSERT_TRUE(trials.ok()) << path << ": " << trials.status();
    for (const Trial& trial : *trials) {
      SCOPED_TRACE(path + ": " + trial.label);
      const Experiment resolved = ResolveExperiment(trial.experiment);
      std::vector<models::ModelSpec> models = {trial.experiment.model(), resolved.model()};
      if (resolved.model().name() == "softquickfcn") {
        models.push_back(models::SegmentationBranchSpec(resolved.model()));
        models.push_back(models::ClassificationBranchSpec(resolved.model()));
      }
      for (const models::ModelSpec& model : models) {
        const absl::Status status = models::ValidateModelSpec(model);
        EXPECT_TRUE(status.ok()) << model.name() << ": " << status;
      }
      for (const losses::LossSpec& loss : {trial.experiment.loss(), resolved.loss()}) {
        const absl::Status strategy = losses::ValidateLossSpec(loss);
        EXPECT_TRUE(strategy.ok()) << strategy;
        const absl::Status segmentation = losses::ValidateSegmentationLoss(loss);
        EXPECT_TRUE(segmentation.ok()) << segmentation;
      }
      ++trials_checked;
    }
  }
  EXPECT_GT(trials_checked, 0);
}

}  // namespace
}  // namespace nerve_mtl::study
