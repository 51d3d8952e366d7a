#include "study/trainer_setup.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/compute.h"
#include "data/near_duplicates.h"
#include "losses/cross_entropy.h"
#include "losses/segmentation_loss.h"
#include "study/spec.h"

namespace nerve_mtl::study {

absl::StatusOr<TrialSetup> SetUpTrial(const Experiment& experiment, const TrainOptions& options) {
  if (absl::Status s = ValidateExperiment(experiment); !s.ok()) return s;
  TrialSetup trial;
  trial.trial_id = TrialId(experiment);
  absl::StatusOr<data::LoadedData> data = data::LoadData(ResolveExperiment(experiment).data());
  if (!data.ok()) return data.status();
  trial.data = *std::move(data);
  // Near-duplicate groups decide the split: the user should see them (empty when grouping is off).
  for (const std::string& line : data::DescribeGrouping(trial.data.grouping)) {
    *options.log << line << "\n";
  }
  const int classes = static_cast<int>(trial.data.dataset.class_names.size());
  if (experiment.model().has_classification_classes() &&
      experiment.model().classification_classes() != classes) {
    return absl::InvalidArgumentError(absl::StrCat("model.classification_classes is ",
                                                   experiment.model().classification_classes(),
                                                   " but the data has ", classes, " classes"));
  }
  trial.resolved = SavedExperiment(experiment, classes);
  const Experiment& resolved = trial.resolved;

  ApplyCompute(options.compute);
  SeedEverything(resolved.seed());
  absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> created =
      models::CreateModel(resolved.model());
  if (!created.ok()) return created.status();
  trial.model = *std::move(created);
  const models::MultitaskModelImpl& model = *trial.model;
  if (model.segments() && model.classifies()) {
    absl::StatusOr<std::unique_ptr<losses::MultitaskStrategy>> s =
        losses::CreateStrategy(resolved.loss());
    if (!s.ok()) return s.status();
    trial.strategy = *std::move(s);
    if (absl::Status fits = losses::CheckStrategyFitsModel(resolved.loss(), *trial.strategy,
                                                           resolved.model().name(),
                                                           model.exposes_shared_representation());
        !fits.ok()) {
      return fits;
    }
  }
  if (absl::Status s = losses::ValidateSegmentationLoss(resolved.loss()); !s.ok()) return s;
  if (model.classifies()) {
    if (absl::Status s =
            losses::ValidateCrossEntropyOptions(resolved.loss().cross_entropy(), classes);
        !s.ok()) {
      return s;
    }
  }
  return trial;
}

}  // namespace nerve_mtl::study
