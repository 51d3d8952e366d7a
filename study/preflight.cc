#include "study/preflight.h"

#include <exception>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/proto_util.h"
#include "losses/cross_entropy.h"
#include "losses/dice.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "study/spec.h"
#include "study/thresholds.h"

namespace nerve_mtl::study {
namespace {

absl::Status Invalid(const absl::Status& status) {
  return status.ok() ? status : absl::InvalidArgumentError(status.message());
}

absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> BuildModel(
    const models::ModelSpec& spec) {
  // The factories are meant to report problems as a status; a throw would be a bug in one, but
  // it must still refuse the row rather than end the study halfway.
  try {
    return models::CreateModel(spec);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("model: ", e.what()));
  }
}

}  // namespace

absl::StatusOr<RowFacts> CheckExperiment(const Experiment& experiment,
                                         const data::LoadedData& data) {
  if (absl::Status s = ValidateExperiment(experiment); !s.ok()) return Invalid(s);
  Experiment resolved = ResolveExperiment(experiment);
  const int classes = static_cast<int>(data.dataset.class_names.size());
  if (experiment.model().has_classification_classes() &&
      experiment.model().classification_classes() != classes) {
    return absl::InvalidArgumentError(absl::StrCat("model.classification_classes is ",
                                                   experiment.model().classification_classes(),
                                                   " but the data has ", classes, " classes"));
  }
  resolved.mutable_model()->set_classification_classes(classes);
  absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> model = BuildModel(resolved.model());
  if (!model.ok()) return Invalid(model.status());
  for (const models::ModelSpec& branch : (*model)->pretraining_specs()) {
    if (absl::Status s = models::ValidateModelSpec(branch); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pretrained branch '", branch.name(), "': ", s.message()));
    }
  }
  RowFacts facts;
  facts.label = experiment.name();
  facts.segments = (*model)->segments();
  facts.classifies = (*model)->classifies();
  if (facts.segments && facts.classifies) {
    absl::StatusOr<std::unique_ptr<losses::MultitaskStrategy>> strategy =
        losses::CreateStrategy(resolved.loss());
    if (!strategy.ok()) return Invalid(strategy.status());
    if (absl::Status s = losses::CheckStrategyFitsModel(resolved.loss(), **strategy,
                                                        resolved.model().name(),
                                                        (*model)->exposes_shared_representation());
        !s.ok()) {
      return Invalid(s);
    }
  }
  if (facts.segments) {
    if (absl::Status s = losses::ValidateDiceOptions(resolved.loss().dice()); !s.ok()) {
      return Invalid(s);
    }
  }
  if (facts.classifies) {
    if (absl::Status s =
            losses::ValidateCrossEntropyOptions(resolved.loss().cross_entropy(), classes);
        !s.ok()) {
      return Invalid(s);
    }
  }
  const TrainingSpec& training = resolved.training();
  const bool pretrains = !(*model)->pretraining_specs().empty();
  if (!pretrains && training.pretrain_epochs() > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("training.pretrain_epochs is ", training.pretrain_epochs(), " but model '",
                     resolved.model().name(), "' has no pretraining phase"));
  }
  facts.epochs = training.epochs();
  // As the trainer reads it: 0 means as many as the joint training.
  if (pretrains) {
    facts.pretrain_epochs =
        training.pretrain_epochs() > 0 ? training.pretrain_epochs() : training.epochs();
  }
  facts.train_images = static_cast<int>(data.split.train.size());
  facts.height = resolved.data().height();
  facts.width = resolved.data().width();
  facts.filters = resolved.model().filters();
  facts.baselines =
      TrivialBaselines(experiment, facts.segments, facts.classifies, data.dataset, data.split);
  return facts;
}

absl::StatusOr<RowFacts> CheckExperiment(const Experiment& experiment) {
  if (absl::Status s = ValidateExperiment(experiment); !s.ok()) return Invalid(s);
  absl::StatusOr<data::LoadedData> data = data::LoadData(experiment.data());
  if (!data.ok()) return Invalid(data.status());
  return CheckExperiment(experiment, *data);
}

absl::StatusOr<StudyPlan> PrepareStudy(const Study& study) {
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
  if (!trials.ok()) return trials.status();
  StudyPlan plan;
  plan.trials = *std::move(trials);
  // One experiment per row (its first seed), grouped by data spec so each loads once.
  std::vector<const Trial*> rows;
  std::map<std::string, std::vector<int>> rows_of_data;
  for (const Trial& trial : plan.trials) {
    if (!rows.empty() && rows.back()->label == trial.label) continue;
    rows_of_data[StableHash(trial.experiment.data())].push_back(static_cast<int>(rows.size()));
    rows.push_back(&trial);
  }
  plan.rows.resize(rows.size());
  for (const auto& [hash, members] : rows_of_data) {
    const Trial& first = *rows[members[0]];
    absl::StatusOr<data::LoadedData> data = data::LoadData(first.experiment.data());
    if (!data.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trial '", first.label, "': ", data.status().message()));
    }
    for (int row : members) {
      absl::StatusOr<RowFacts> facts = CheckExperiment(rows[row]->experiment, *data);
      if (!facts.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("trial '", rows[row]->label, "': ", facts.status().message()));
      }
      plan.rows[row] = *std::move(facts);
    }
  }
  for (const RowFacts& row : plan.rows) {
    const RowFacts& first = plan.rows[0];
    if (row.budget_epochs() == first.budget_epochs() || study.allow_unequal_budgets()) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "trial '", row.label, "': training budget of ", row.budget_epochs(), " epochs (",
        row.pretrain_epochs > 0
            ? absl::StrCat("training.pretrain_epochs ", row.pretrain_epochs, " + ")
            : "",
        "training.epochs ", row.epochs, ") differs from the ", first.budget_epochs(), " of trial '",
        first.label,
        "'; give every row the same budget (soft sharing's "
        "pretraining counts) or set allow_unequal_budgets: true"));
  }
  std::vector<RowBaselines> baselines;
  for (const RowFacts& row : plan.rows) baselines.push_back({row.label, row.baselines});
  if (absl::Status s = ValidateThresholds(study, baselines); !s.ok()) return s;
  return plan;
}

}  // namespace nerve_mtl::study
