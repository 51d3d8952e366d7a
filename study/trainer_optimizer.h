#ifndef NERVE_MTL_STUDY_TRAINER_OPTIMIZER_H_
#define NERVE_MTL_STUDY_TRAINER_OPTIMIZER_H_

// The optimiser's parameter groups and their learning rates (internal to //study:trainer).

#include <torch/optim/optimizer.h>

#include <vector>

#include "losses/strategy.h"
#include "models/model.h"
#include "optim/adam.h"
#include "trial/experiment.pb.h"

namespace nerve_mtl::study {

// Optimiser parameter groups: the model's plain parameters at the base rate, each of the
// model's special groups (cross-stitch alphas) at its absolute rate or its multiple of the base
// rate, the strategy's own parameters (strategy may be null) at their multiple. `multipliers`
// receives each group's rate as a multiple of the base rate, for the StepLR schedule, which so
// scales every group by gamma as PyTorch's does.
std::vector<torch::optim::OptimizerParamGroup> ParameterGroups(models::MultitaskModelImpl& model,
                                                               losses::MultitaskStrategy* strategy,
                                                               const TrainingSpec& training,
                                                               std::vector<double>* multipliers);

// Sets every group's rate to `lr` times its multiplier.
void SetLearningRate(optim::MultiTensorAdam& optimizer, const std::vector<double>& multipliers,
                     double lr);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TRAINER_OPTIMIZER_H_
