#include "study/spec.h"

#include "absl/strings/str_cat.h"
#include "common/proto_util.h"
#include "common/textproto.h"
#include "data/load.h"
#include "models/model.h"

namespace nerve_mtl::study {

absl::Status ValidateExperiment(const Experiment& experiment) {
  if (absl::Status s = data::ValidateDataSpec(experiment.data()); !s.ok()) return s;
  const TrainingSpec& t = experiment.training();
  auto at_least = [](const char* field, double value, double min) -> absl::Status {
    if (value >= min) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("training.", field, " must be >= ", min, ", got ", value));
  };
  for (absl::Status s : {at_least("epochs", t.epochs(), 1), at_least("batch_size", t.batch_size(), 1),
                         at_least("lr_step_epochs", t.lr_step_epochs(), 1),
                         at_least("weight_decay", t.weight_decay(), 0),
                         at_least("early_stopping_patience", t.early_stopping_patience(), 0),
                         at_least("loader_workers", t.loader_workers(), 0),
                         at_least("pretrain_epochs", t.pretrain_epochs(), 0),
                         at_least("overlay_images", t.overlay_images(), 0)}) {
    if (!s.ok()) return s;
  }
  if (!(t.learning_rate() > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("training.learning_rate must be > 0, got ", t.learning_rate()));
  }
  if (!(t.lr_gamma() > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("training.lr_gamma must be > 0, got ", t.lr_gamma()));
  }
  const models::ModelSpec& m = experiment.model();
  if (m.name().empty()) return absl::InvalidArgumentError("model.name is required");
  absl::StatusOr<models::ModelTraits> traits = models::TraitsOf(m.name());
  if (!traits.ok()) return traits.status();
  // A default spelled out is not an option given: a resolved spec spells out every field
  // (docs/DESIGN.md, "Options true to the original").
  auto given = [&m](const char* field) {
    return DiffersFromDefault(m, m.GetDescriptor()->FindFieldByName(field));
  };
  if (!traits->cross_stitch && (given("cross_stitch_init") || given("cross_stitch_self_weight") ||
                                given("cross_stitch_learning_rate"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.cross_stitch_*: model '", m.name(), "' has no cross-stitch units"));
  }
  const bool classifies = traits->classifies;
  if (classifies && m.has_classification_classes() && m.classification_classes() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.classification_classes must be >= 2 for a classifying model, got ",
        m.classification_classes()));
  }
  if (!classifies && experiment.loss().cross_entropy().class_weights_size() > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.cross_entropy.class_weights: '", m.name(), "' does not classify"));
  }
  return absl::OkStatus();
}

Experiment ResolveExperiment(const Experiment& experiment) {
  Experiment resolved = experiment;
  const data::DataSpec& data = resolved.data();
  models::ModelSpec* model = resolved.mutable_model();
  model->set_input_channels(data.channels());
  model->set_input_height(data.height());
  model->set_input_width(data.width());
  FillDefaults(&resolved);
  return resolved;
}

std::string TrialId(const Experiment& experiment) {
  Experiment unnamed = experiment;
  unnamed.clear_name();  // Presentation only: renaming a row must not retrain it.
  // The class count always equals the data's (the trainer refuses any other) and the trainer
  // writes the data's count into the saved spec: hashed as the default it adds nothing the data
  // spec does not say, and a saved spec hashes back to the id of the spec it came from, whatever
  // the number of classes. Ids of specs that left it unset (every study's) do not change.
  unnamed.mutable_model()->clear_classification_classes();
  return StableHash(ResolveExperiment(unnamed));
}

Experiment SavedExperiment(const Experiment& experiment, int data_classes) {
  Experiment saved = ResolveExperiment(experiment);
  saved.mutable_model()->set_classification_classes(data_classes);
  return saved;
}

absl::StatusOr<Experiment> LoadExperiment(const std::string& path,
                                          const std::vector<std::string>& overrides) {
  Experiment experiment;
  if (absl::Status s = ReadTextProtoFile(path, &experiment); !s.ok()) return s;
  for (size_t i = 0; i < overrides.size(); ++i) {
    Experiment layer;
    if (absl::Status s = ParseTextProto(overrides[i], absl::StrCat("override ", i + 1), &layer);
        !s.ok()) {
      return s;
    }
    MergeReplacingRepeated(layer, &experiment);
  }
  if (absl::Status s = ValidateExperiment(experiment); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  return experiment;
}

}  // namespace nerve_mtl::study
