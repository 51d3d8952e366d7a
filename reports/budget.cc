#include "reports/budget.h"

#include "absl/strings/str_cat.h"

namespace nerve_mtl::reports {

std::string EpochBudget::Shown() const {
  return pretrain > 0 ? absl::StrCat(pretrain, "+", epochs) : absl::StrCat(epochs);
}

EpochBudget BudgetOf(const study::Result& trial) {
  const study::TrainingSpec& t = trial.experiment().training();
  EpochBudget budget;
  budget.epochs = t.epochs();
  if (trial.components().pretrains()) {
    budget.pretrain = t.pretrain_epochs() > 0 ? t.pretrain_epochs() : t.epochs();
  }
  return budget;
}

}  // namespace nerve_mtl::reports
