#include "study/trainer_optimizer.h"

#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

namespace nerve_mtl::study {

std::vector<torch::optim::OptimizerParamGroup> ParameterGroups(models::MultitaskModelImpl& model,
                                                               losses::MultitaskStrategy* strategy,
                                                               const TrainingSpec& training,
                                                               std::vector<double>* multipliers) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto add = [&](std::vector<at::Tensor> params, double multiplier, double weight_decay) {
    if (params.empty()) return;
    auto options =
        std::make_unique<torch::optim::AdamOptions>(training.learning_rate() * multiplier);
    options->weight_decay(weight_decay).amsgrad(training.amsgrad());
    groups.emplace_back(std::move(params), std::move(options));
    multipliers->push_back(multiplier);
  };
  std::unordered_set<const void*> special;
  const std::vector<models::ParameterGroup> model_groups = model.parameter_groups();
  for (const models::ParameterGroup& g : model_groups) {
    for (const at::Tensor& p : g.parameters) special.insert(p.unsafeGetTensorImpl());
  }
  std::vector<at::Tensor> base;
  for (const at::Tensor& p : model.parameters()) {
    if (!special.count(p.unsafeGetTensorImpl())) base.push_back(p);
  }
  add(base, 1.0, training.weight_decay());
  for (const models::ParameterGroup& g : model_groups) {
    add(g.parameters,
        g.learning_rate ? *g.learning_rate / training.learning_rate() : g.lr_multiplier, 0.0);
  }
  if (strategy != nullptr) add(strategy->parameters(), strategy->lr_multiplier(), 0.0);
  return groups;
}

void SetLearningRate(optim::MultiTensorAdam& optimizer, const std::vector<double>& multipliers,
                     double lr) {
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    static_cast<torch::optim::AdamOptions&>(optimizer.param_groups()[g].options())
        .lr(lr * multipliers[g]);
  }
}

}  // namespace nerve_mtl::study
