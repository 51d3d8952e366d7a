// Applies a trained trial to images it has not seen:
//   bazel run //study:predict -- --trial=results/default/trials/<id> --images=DIR --out=DIR
//   bazel run //study:predict -- --trial=TRIAL --spec=DATA.textproto [--split=test] --out=DIR
// writes masks/<image>.png, overlays/<image>.png and predictions.csv (study/predictor.h); with
// --spec (a nerve_mtl.data.DataSpec text proto, whose masks and labels are the truth) also
// metrics.textproto, and prints Dice and accuracy: pointed at the trial's own data and test
// split they are the trial's test metrics. Images that do not fit the trial's model (another
// channel count, another size or class count in --spec) exit 2 naming the file, nothing written.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cli.h"
#include "common/compute.h"
#include "common/compute_flags.h"
#include "study/predictor.h"

ABSL_FLAG(std::string, trial, "", "Trial folder (trials/<id>) with experiment.textproto and best_model.pt");
ABSL_FLAG(std::string, images, "", "Folder of PNG or TIFF images to predict");
ABSL_FLAG(std::string, spec, "", "Instead of --images: a data spec (data/data_spec.proto) with truth");
ABSL_FLAG(std::string, split, "", "With --spec: all (default), train, val or test");
ABSL_FLAG(std::string, out, "", "Output directory");

namespace nerve_mtl::study {
namespace {

struct Prepared {
  TrainedTrial trial;
  PredictInput input;
  Compute compute;
};

// Everything wrong here is bad input (exit 2): nothing is written before it passes.
absl::StatusOr<Prepared> Prepare() {
  const std::string trial_dir = ResolveInputPath(absl::GetFlag(FLAGS_trial));
  const std::string images = ResolveInputPath(absl::GetFlag(FLAGS_images));
  const std::string spec = ResolveInputPath(absl::GetFlag(FLAGS_spec));
  if (trial_dir.empty()) return absl::InvalidArgumentError("--trial is required");
  if (absl::GetFlag(FLAGS_out).empty()) return absl::InvalidArgumentError("--out is required");
  if (images.empty() == spec.empty()) {
    return absl::InvalidArgumentError(images.empty() ? "give --images or --spec"
                                                     : "--images does not apply with --spec: give one");
  }
  if (!absl::GetFlag(FLAGS_split).empty() && spec.empty()) {
    return absl::InvalidArgumentError(
        "--split does not apply with --images: it picks a part of a --spec's split");
  }
  // --threads, --device, --precision, --deterministic (common/compute_flags.h).
  absl::StatusOr<ComputeSetup> setup = SetUpComputeFromFlags();
  if (!setup.ok()) return setup.status();
  const Compute& compute = setup->compute;
  absl::StatusOr<TrainedTrial> trial = LoadTrainedTrial(trial_dir, compute);
  if (!trial.ok()) return trial.status();
  const std::string split = absl::GetFlag(FLAGS_split).empty() ? "all" : absl::GetFlag(FLAGS_split);
  absl::StatusOr<PredictInput> input = spec.empty()
                                           ? ReadImageFolder(images, trial->experiment)
                                           : LoadDataSpecInput(spec, trial->experiment, split);
  if (!input.ok()) return input.status();
  return Prepared{*std::move(trial), *std::move(input), compute};
}

}  // namespace
}  // namespace nerve_mtl::study

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Applies a trained trial to images.\n"
      "  predict --trial=TRIAL_DIR --images=DIR --out=DIR\n"
      "  predict --trial=TRIAL_DIR --spec=DATA.textproto [--split=test] --out=DIR");
  absl::ParseCommandLine(argc, argv);
  auto prepared = nerve_mtl::study::Prepare();
  if (!prepared.ok()) return nerve_mtl::ReportFailure("predict", prepared.status());
  const nerve_mtl::study::Predictions predictions =
      nerve_mtl::study::Predict(prepared->trial, prepared->input, prepared->compute);
  const std::string out = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_out));
  if (absl::Status s = nerve_mtl::study::WritePredictions(out, prepared->input, predictions);
      !s.ok()) {
    nerve_mtl::ReportFailure("predict", s);
    return nerve_mtl::kExitFailed;
  }
  std::cout << predictions.images.size() << " image(s)";
  if (predictions.metrics) {
    const nerve_mtl::study::SplitMetrics& m = *predictions.metrics;
    if (m.has_segmentation()) std::cout << absl::StrFormat(", dice %.4f", m.dice());
    if (m.has_classification()) std::cout << absl::StrFormat(", accuracy %.4f", m.accuracy());
  }
  std::cout << " -> " << out << std::endl;
  return nerve_mtl::kExitOk;
}
