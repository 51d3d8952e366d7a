#include "study/components.h"

#include <vector>

#include "losses/strategy.h"
#include "models/model.h"

namespace nerve_mtl::study {

absl::StatusOr<Components> DescribeComponents(const Experiment& experiment) {
  absl::StatusOr<models::ModelTraits> model = models::TraitsOf(experiment.model().name());
  if (!model.ok()) return model.status();
  absl::StatusOr<losses::StrategyTraits> strategy =
      losses::StrategyTraitsOf(experiment.loss().strategy());
  if (!strategy.ok()) return strategy.status();
  Components c;
  c.set_segments(model->segments);
  c.set_classifies(model->classifies);
  c.set_cross_stitch(model->cross_stitch);
  c.set_shared_representation(model->shared_representation);
  c.set_pretrains(model->pretrains);
  if (model->cross_stitch) {
    Components::LearningRate* rate = c.add_learning_rate();
    rate->set_what("cross-stitch alpha");
    rate->set_kind(Components::LearningRate::ABSOLUTE);
    rate->set_value(experiment.model().cross_stitch_learning_rate());
  }
  // A strategy combines two tasks; a single-task model trains without its weights.
  if (model->segments && model->classifies && strategy->own_learning_rates) {
    for (const losses::OwnLearningRate& own : strategy->own_learning_rates(experiment.loss())) {
      Components::LearningRate* rate = c.add_learning_rate();
      rate->set_what(own.what);
      rate->set_kind(own.multiple_of_base ? Components::LearningRate::MULTIPLE_OF_BASE
                                          : Components::LearningRate::OWN_RULE);
      rate->set_value(own.value);
    }
  }
  return c;
}

absl::Status RecordComponents(Result* result) {
  absl::StatusOr<Components> components = DescribeComponents(result->experiment());
  if (!components.ok()) return components.status();
  *result->mutable_components() = *std::move(components);
  return absl::OkStatus();
}

}  // namespace nerve_mtl::study
