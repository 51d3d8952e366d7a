#include "reports/budget.h"

#include "absl/strings/str_cat.h"

namespace nerve_mtl::reports {
namespace {

// Models whose pretraining_specs() are non-empty (models/softquickfcn.cc). Reports link no
// model code, so the name stands in for asking the model.
bool Pretrains(const std::string& model) { return model == "softquickfcn"; }

}  // namespace

std::string EpochBudget::Shown() const {
  return pretrain > 0 ? absl::StrCat(pretrain, "+", epochs) : absl::StrCat(epochs);
}

EpochBudget BudgetOf(const study::Experiment& resolved) {
  const study::TrainingSpec& t = resolved.training();
  EpochBudget budget;
  budget.epochs = t.epochs();
  if (Pretrains(resolved.model().name())) {
    budget.pretrain = t.pretrain_epochs() > 0 ? t.pretrain_epochs() : t.epochs();
  }
  return budget;
}

}  // namespace nerve_mtl::reports
