// Trains one experiment and writes its result:
//   bazel run //study:train -- --spec=FILE.textproto --out=DIR [--override='training { epochs: 5 }']
//   bazel run //study:train -- --study=FILE.textproto --row='QuickFCN / uncertainty' --out=DIR
//   bazel run //study:train -- --rerun=results/default/trials/<id> [--out=DIR] [--tolerance=X]
// DIR receives result.textproto (metrics, curves, resolved spec, environment),
// experiment.textproto (the resolved spec), checkpoint.pt (rerunning resumes from it),
// best_model.pt and events/ (TensorBoard). --rerun trains a trial folder's own spec again (into
// reruns/<id> unless --out says where) and compares: exit 0 when nothing moved, 1 listing each
// moved value (study/rerun.h). This main links no model or strategy: //study:train links them
// all, //study/experiments:* one of each.
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/cli.h"
#include "common/compute.h"
#include "common/compute_flags.h"
#include "common/progress.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "study/preflight.h"
#include "study/rerun.h"
#include "study/spec.h"
#include "study/train_flags.h"
#include "study/trainer.h"
#include "trial/experiment.pb.h"
#include "trial/layout.h"

ABSL_FLAG(std::string, spec, "", "Experiment text proto (trial/experiment.proto)");
ABSL_FLAG(std::string, study, "", "Instead of --spec: a study text proto, with --row");
ABSL_FLAG(std::string, row, "", "The study row (trial label) to train, first seed");
ABSL_FLAG(std::string, rerun, "",
          "Instead of --spec/--study: a trial folder (trials/<id>) to train again and compare with");
ABSL_FLAG(double, tolerance, 0,
          "With --rerun: largest difference of a real value that counts as unmoved; 0 = exact");
ABSL_FLAG(std::vector<std::string>, override, {},
          "Text-format fragments merged over the spec, in order (comma-separated)");
ABSL_FLAG(std::string, out, "", "Output directory; with --rerun default reruns/<trial id>");
ABSL_FLAG(std::string, pretrained_dir, "",
          "Cache of pretrained soft-sharing branches; empty: <out>/pretrained");
ABSL_FLAG(bool, tensorboard, true, "Write TensorBoard events under <out>/events");
ABSL_FLAG(bool, list_linked, false, "Print the linked models and strategies and exit");

namespace nerve_mtl::study {
namespace {

TrainRequest Request() {
  TrainRequest r;
  r.spec = ResolveInputPath(absl::GetFlag(FLAGS_spec));
  r.study = ResolveInputPath(absl::GetFlag(FLAGS_study));
  r.row = absl::GetFlag(FLAGS_row);
  r.rerun = ResolveInputPath(absl::GetFlag(FLAGS_rerun));
  r.overrides = absl::GetFlag(FLAGS_override);
  r.out = absl::GetFlag(FLAGS_out).empty() ? "" : ResolveUserPath(absl::GetFlag(FLAGS_out));
  r.pretrained_dir = ResolveUserPath(absl::GetFlag(FLAGS_pretrained_dir));
  r.tolerance = absl::GetFlag(FLAGS_tolerance);
  return r;
}

struct Prepared {
  Experiment experiment;
  TrainOptions options;
  std::optional<SavedTrial> rerun;  // With --rerun: the trial to compare with.
};

// The experiment and how to run it; everything found wrong here is bad input (exit 2).
absl::StatusOr<Prepared> Prepare(const TrainRequest& request) {
  if (absl::Status s = CheckTrainRequest(request); !s.ok()) return s;
  Prepared prepared;
  std::string out = request.out;
  if (!request.rerun.empty()) {
    absl::StatusOr<SavedTrial> trial = ReadSavedTrial(request.rerun);
    if (!trial.ok()) return trial.status();
    absl::StatusOr<std::string> dir = RerunDir(*trial, out, ResolveUserPath("reruns"));
    if (!dir.ok()) return dir.status();
    out = *dir;
    prepared.experiment = trial->experiment;
    prepared.rerun = *std::move(trial);
  } else {
    absl::StatusOr<Experiment> experiment = RequestedExperiment(request);
    if (!experiment.ok()) return experiment.status();
    prepared.experiment = *std::move(experiment);
  }
  // Its components build and its data loads and splits, before anything trains or is written.
  absl::StatusOr<RowFacts> facts = CheckExperiment(prepared.experiment);
  if (!facts.ok()) return facts.status();
  if (absl::Status s = CheckPretrainedDir(request, prepared.experiment, facts->pretrain_epochs > 0);
      !s.ok()) {
    return s;
  }
  // --threads, --device, --precision, --deterministic (common/compute_flags.h).
  absl::StatusOr<ComputeSetup> compute = SetUpComputeFromFlags();
  if (!compute.ok()) return compute.status();
  TrainOptions& options = prepared.options;
  options.compute = compute->compute;
  options.out_dir = out;
  options.pretrained_dir = request.pretrained_dir;
  options.terminal = Progress::StderrIsTerminal();
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  return prepared;
}

absl::StatusOr<Result> Train(const Experiment& experiment, const TrainOptions& options) {
  std::cerr << "compute: " << DescribeCompute(options.compute) << std::endl;
  absl::StatusOr<Result> result = TrainExperiment(experiment, options);
  if (!result.ok()) return result.status();
  if (absl::Status s = WriteResult(options.out_dir, *result); !s.ok()) return s;
  const SplitMetrics& test = result->test();
  std::cout << absl::StrFormat("%s (trial %s): best epoch %d, test", experiment.name(),
                               result->trial_id(), result->best_epoch() + 1);
  if (test.has_segmentation()) std::cout << absl::StrFormat(" dice %.4f", test.dice());
  if (test.has_classification()) std::cout << absl::StrFormat(" accuracy %.4f", test.accuracy());
  std::cout << " -> " << trial::ResultFile(options.out_dir).string() << std::endl;
  return result;
}

}  // namespace
}  // namespace nerve_mtl::study

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Trains one experiment.\n"
      "  train --spec=FILE.textproto --out=DIR [--override='training { epochs: 5 }']\n"
      "  train --study=FILE.textproto --row=LABEL --out=DIR [--override=...]\n"
      "  train --rerun=TRIAL_DIR [--out=DIR] [--tolerance=X]");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_list_linked)) {
    std::cout << "models: " << absl::StrJoin(nerve_mtl::models::RegisteredModels(), " ")
              << "\nstrategies: " << absl::StrJoin(nerve_mtl::losses::RegisteredStrategies(), " ")
              << std::endl;
    return nerve_mtl::kExitOk;
  }
  const auto prepared = nerve_mtl::study::Prepare(nerve_mtl::study::Request());
  if (!prepared.ok()) return nerve_mtl::ReportFailure("train", prepared.status());
  const auto result = nerve_mtl::study::Train(prepared->experiment, prepared->options);
  if (!result.ok()) {
    // Training began: whatever stopped it (a non-finite loss, a write error) is a failed trial.
    nerve_mtl::ReportFailure("train", result.status());
    return nerve_mtl::kExitFailed;
  }
  if (!prepared->rerun) return nerve_mtl::kExitOk;
  for (const std::string& note : nerve_mtl::study::RerunNotes(*prepared->rerun, *result)) {
    std::cerr << "note: " << note << std::endl;
  }
  return nerve_mtl::study::ReportRerun(*prepared->rerun, *result, absl::GetFlag(FLAGS_tolerance),
                                       std::cout)
             ? nerve_mtl::kExitOk
             : nerve_mtl::kExitDiffers;
}
