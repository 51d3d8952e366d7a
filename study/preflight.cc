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
  // One experiment per row and replicate (its first seed; the replicates of a row are its
  // folds), grouped by data spec so each distinct one loads and splits once.
  struct Check {
    const Trial* trial;
    int row;
  };
  std::vector<Check> checks;
  std::map<std::string, std::vector<int>> checks_of_data;
  int rows = 0;
  for (size_t t = 0; t < plan.trials.size(); ++t) {
    const Trial& trial = plan.trials[t];
    if (t > 0 && plan.trials[t - 1].label != trial.label) ++rows;
    if (t > 0 && plan.trials[t - 1].label == trial.label &&
        plan.trials[t - 1].replicate == trial.replicate) {
      continue;  // Another seed of the same replicate.
    }
    checks_of_data[StableHash(trial.experiment.data())].push_back(static_cast<int>(checks.size()));
    checks.push_back({&trial, rows});
  }
  std::vector<std::map<int, RowFacts>> by_check(plan.trials.empty() ? 0 : rows + 1);
  for (const auto& [hash, members] : checks_of_data) {
    const Trial& first = *checks[members[0]].trial;
    absl::StatusOr<data::LoadedData> data = data::LoadData(first.experiment.data());
    if (!data.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trial '", TrialName(first), "': ", data.status().message()));
    }
    for (int c : members) {
      absl::StatusOr<RowFacts> facts = CheckExperiment(checks[c].trial->experiment, *data);
      if (!facts.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("trial '", TrialName(*checks[c].trial),
                                                       "': ", facts.status().message()));
      }
      by_check[checks[c].row].emplace(c, *std::move(facts));
    }
  }
  // A row's facts are its first replicate's, with every replicate's baselines pooled.
  for (std::map<int, RowFacts>& replicates : by_check) {
    RowFacts row = replicates.begin()->second;
    row.baselines.clear();
    for (auto& [c, facts] : replicates) PoolBaselines(std::move(facts.baselines), &row.baselines);
    plan.rows.push_back(std::move(row));
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
