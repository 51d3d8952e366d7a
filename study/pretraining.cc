#include "study/pretraining.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/publish.h"
#include "study/spec.h"
#include "study/trainer.h"
#include "study/trainer_checkpoints.h"
#include "trial/layout.h"

namespace nerve_mtl::study {

namespace fs = std::filesystem;
using models::MultitaskModelImpl;

absl::Status Pretrain(MultitaskModelImpl& model, const Experiment& resolved,
                      const TrainOptions& options) {
  const std::vector<models::ModelSpec> specs = model.pretraining_specs();
  if (specs.empty()) return absl::OkStatus();
  const std::string cache = options.pretrained_dir.empty()
                                ? trial::PretrainedDir(options.out_dir).string()
                                : options.pretrained_dir;
  std::vector<std::shared_ptr<MultitaskModelImpl>> pretrained;
  for (const models::ModelSpec& spec : specs) {
    Experiment pre = resolved;
    pre.set_name(absl::StrCat(spec.name(), " (pretraining)"));
    *pre.mutable_model() = spec;
    // A single-task branch ignores the multitask strategy: keep only the task losses' options,
    // so soft-sharing rows that differ only in strategy share their pretrained branches.
    losses::LossSpec task_losses;
    *task_losses.mutable_dice() = resolved.loss().dice();
    *task_losses.mutable_cross_entropy() = resolved.loss().cross_entropy();
    *pre.mutable_loss() = task_losses;
    TrainingSpec* training = pre.mutable_training();
    if (training->pretrain_epochs() > 0) training->set_epochs(training->pretrain_epochs());
    training->set_pretrain_epochs(0);
    training->set_monitor(MONITOR_METRIC_UNSPECIFIED);
    const std::string dir = trial::PretrainedBranchDir(cache, spec.name(), TrialId(pre)).string();
    if (!fs::exists(trial::ResultFile(dir))) {
      *options.log << "pretraining " << spec.name() << " for " << resolved.name() << " in " << dir
                   << std::endl;
      // Shards of a study may need this branch at the same moment, on other machines sharing
      // the results folder: each trains into a folder of its own, and the first to rename it
      // into place wins (common/publish.h, docs/DESIGN.md §8).
      TrainOptions sub = options;
      sub.out_dir = PrivateSibling(dir);
      sub.pretrained_dir = cache;
      absl::StatusOr<Result> result = TrainExperiment(pre, sub);
      if (!result.ok()) {
        return absl::Status(result.status().code(), absl::StrCat("pretraining ", spec.name(), ": ",
                                                                 result.status().message()));
      }
      if (absl::Status s = WriteResult(sub.out_dir, *result); !s.ok()) return s;
      absl::StatusOr<bool> published =
          PublishDirectory(sub.out_dir, dir, trial::ResultFile(dir).filename().string());
      if (!published.ok()) return published.status();
    } else {
      *options.log << "using pretrained " << spec.name() << " from " << dir << std::endl;
    }
    absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> branch = models::CreateModel(spec);
    if (!branch.ok()) return branch.status();
    if (absl::Status s = LoadModelWeights(trial::BestModelFile(dir).string(), branch->get());
        !s.ok()) {
      return s;
    }
    pretrained.push_back(*branch);
  }
  return model.LoadPretrained(pretrained);
}

}  // namespace nerve_mtl::study
