// Trains one experiment and writes its result:
//   bazel run //study:train -- --spec=FILE.textproto --out=DIR [--threads=N]
// DIR receives result.textproto (metrics, curves, resolved spec, environment),
// checkpoint.pt (rerunning resumes from it), best_model.pt and events/ (TensorBoard).
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cli.h"
#include "common/progress.h"
#include "common/textproto.h"
#include "common/threads.h"
#include "study/experiment.pb.h"
#include "study/trainer.h"

ABSL_FLAG(std::string, spec, "", "Experiment text proto (study/experiment.proto)");
ABSL_FLAG(std::string, out, "", "Output directory");
ABSL_FLAG(std::string, pretrained_dir, "",
          "Cache of pretrained soft-sharing branches; empty: <out>/pretrained");
ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");
ABSL_FLAG(bool, tensorboard, true, "Write TensorBoard events under <out>/events");

namespace nerve_mtl::study {
namespace {

absl::Status Run() {
  const std::string spec_path = ResolveUserPath(absl::GetFlag(FLAGS_spec));
  if (spec_path.empty()) return absl::InvalidArgumentError("--spec is required");
  if (absl::GetFlag(FLAGS_out).empty()) return absl::InvalidArgumentError("--out is required");
  Experiment experiment;
  if (absl::Status s = ReadTextProtoFile(spec_path, &experiment); !s.ok()) return s;
  if (absl::Status s = ValidateExperiment(experiment); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(spec_path, ": ", s.message()));
  }
  SetTorchThreads(absl::GetFlag(FLAGS_threads));
  TrainOptions options;
  options.out_dir = ResolveUserPath(absl::GetFlag(FLAGS_out));
  options.pretrained_dir = ResolveUserPath(absl::GetFlag(FLAGS_pretrained_dir));
  options.terminal = Progress::StderrIsTerminal();
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  absl::StatusOr<Result> result = TrainExperiment(experiment, options);
  if (!result.ok()) return result.status();
  if (absl::Status s = WriteResult(options.out_dir, *result); !s.ok()) return s;
  const SplitMetrics& test = result->test();
  std::cout << absl::StrFormat("%s: best epoch %d, test", experiment.name(),
                               result->best_epoch() + 1);
  if (test.has_segmentation()) std::cout << absl::StrFormat(" dice %.4f", test.dice());
  if (test.has_classification()) std::cout << absl::StrFormat(" accuracy %.4f", test.accuracy());
  std::cout << " -> " << options.out_dir << "/result.textproto" << std::endl;
  return absl::OkStatus();
}

}  // namespace
}  // namespace nerve_mtl::study

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Trains one experiment.\n"
      "  bazel run //study:train -- --spec=FILE.textproto --out=DIR [--threads=N]");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = nerve_mtl::study::Run();
  return status.ok() ? 0 : nerve_mtl::ReportFailure("train", status);
}
