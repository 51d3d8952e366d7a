#ifndef NERVE_MTL_STUDY_PREFLIGHT_H_
#define NERVE_MTL_STUDY_PREFLIGHT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "data/load.h"
#include "study/baselines.h"
#include "trial/experiment.pb.h"
#include "study/grid.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

// What the checks learnt about one row (grid point) of a study.
struct RowFacts {
  std::string label;
  // Training budget in epochs: joint training plus, for a model with a pretraining phase (soft
  // sharing), the epochs of its pretrained branches (each branch trains that many, in turn).
  int epochs = 0;
  int pretrain_epochs = 0;
  int budget_epochs() const { return epochs + pretrain_epochs; }
  bool segments = false;
  bool classifies = false;
  int train_images = 0;
  int height = 0;
  int width = 0;
  int filters = 0;
  std::vector<Baseline> baselines;  // On the row's validation and test images.
};

// Everything an experiment needs before it trains, checked without training: its model and
// strategy factories build it (each component's validator runs, and soft sharing's branch specs
// are validated), the loss options, the class count against the data, pretrain_epochs only on a
// model that pretrains, and the data loaded (and split) as `data`. Errors are InvalidArgument
// naming the field.
absl::StatusOr<RowFacts> CheckExperiment(const Experiment& experiment,
                                         const data::LoadedData& data);

// CheckExperiment after loading the experiment's data; a data error (a missing file, a truncated
// TIFF, a set too small for its split) is InvalidArgument too, since nothing has run yet.
absl::StatusOr<RowFacts> CheckExperiment(const Experiment& experiment);

// A study expanded and checked before any trial trains.
struct StudyPlan {
  std::vector<Trial> trials;
  std::vector<RowFacts> rows;  // In grid order, one per label.
};

// ExpandStudy, then every row through CheckExperiment (each distinct DataSpec loaded and split
// once), then equal budgets (unless study.allow_unequal_budgets) and every threshold against
// the rows' trivial baselines (ValidateThresholds). The first problem is an InvalidArgument
// naming the row ("trial 'QuickFCN / DWA': loss.strategy: ...") or the threshold. Needs every
// component the study names linked in.
absl::StatusOr<StudyPlan> PrepareStudy(const Study& study);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_PREFLIGHT_H_
