#ifndef NERVE_MTL_REPORTS_BUDGET_H_
#define NERVE_MTL_REPORTS_BUDGET_H_

// A row's epoch budget, read from a trial's resolved spec and recorded components, so that the tables show how long each model
// was allowed to train: a comparison is only fair between equal budgets.

#include <string>

#include "trial/result.pb.h"

namespace nerve_mtl::reports {

struct EpochBudget {
  // Epochs each single-task branch is pretrained before joint training (soft sharing), else 0.
  int pretrain = 0;
  // Epochs of training proper (joint training for soft sharing).
  int epochs = 0;

  int Total() const { return pretrain + epochs; }
  // "8", or "4+4" with pretraining.
  std::string Shown() const;
};

// The budget as the trainer spends it (study/pretraining.cc): a model with single-task branches
// (components.pretrains) pretrains each for training.pretrain_epochs, or training.epochs when
// that is 0, then trains jointly for training.epochs. Early stopping can end either sooner: the
// budget is the most a row may use.
EpochBudget BudgetOf(const study::Result& trial);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_BUDGET_H_
