// Trains one experiment and writes its result:
//   bazel run //study:train -- --spec=FILE.textproto --out=DIR [--override='training { epochs: 5 }']
//   bazel run //study:train -- --study=FILE.textproto --row='QuickFCN / uncertainty' --out=DIR
// DIR receives result.textproto (metrics, curves, resolved spec, environment),
// experiment.textproto (the resolved spec), checkpoint.pt (rerunning resumes from it),
// best_model.pt and events/ (TensorBoard). This main links no model or strategy: //study:train
// links them all, //study/experiments:* one of each.
#include <iostream>
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
#include "common/progress.h"
#include "common/textproto.h"
#include "common/threads.h"
#include "google/protobuf/text_format.h"
#include "losses/strategy.h"
#include "models/model.h"
#include "study/experiment.pb.h"
#include "study/grid.h"
#include "study/preflight.h"
#include "study/spec.h"
#include "study/study.pb.h"
#include "study/trainer.h"

ABSL_FLAG(std::string, spec, "", "Experiment text proto (study/experiment.proto)");
ABSL_FLAG(std::string, study, "", "Instead of --spec: a study text proto, with --row");
ABSL_FLAG(std::string, row, "", "The study row (trial label) to train, first seed");
ABSL_FLAG(std::vector<std::string>, override, {},
          "Text-format fragments merged over the spec, in order (comma-separated)");
ABSL_FLAG(std::string, out, "", "Output directory");
ABSL_FLAG(std::string, pretrained_dir, "",
          "Cache of pretrained soft-sharing branches; empty: <out>/pretrained");
ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");
ABSL_FLAG(std::string, device, "auto", "auto (cuda when LibTorch sees a GPU), cpu, cuda or cuda:N");
ABSL_FLAG(std::string, precision, "auto", "auto (bf16 on cuda, fp32 on cpu), fp32 or bf16");
ABSL_FLAG(std::string, deterministic, "auto",
          "auto (true on cpu, false on cuda), true (bit-identical reruns) or false (cuDNN "
          "autotuning, TF32, channels-last)");
ABSL_FLAG(bool, tensorboard, true, "Write TensorBoard events under <out>/events");
ABSL_FLAG(bool, list_linked, false, "Print the linked models and strategies and exit");

namespace nerve_mtl::study {
namespace {

absl::StatusOr<Experiment> FromStudy(const std::string& path, const std::string& row) {
  Study study;
  if (absl::Status s = ReadTextProtoFile(path, &study); !s.ok()) return s;
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
  if (!trials.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", trials.status().message()));
  std::vector<std::string> labels;
  for (const Trial& t : *trials) {
    if (t.label == row) return t.experiment;
    if (labels.empty() || labels.back() != t.label) labels.push_back(t.label);
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": no row '", row, "' (rows: ",
                                                 absl::StrJoin(labels, "; "), ")"));
}

// The experiment and how to run it; everything found wrong here is bad input (exit 2).
absl::StatusOr<std::pair<Experiment, TrainOptions>> Prepare() {
  const std::string spec_path = ResolveInputPath(absl::GetFlag(FLAGS_spec));
  const std::string study_path = ResolveInputPath(absl::GetFlag(FLAGS_study));
  if (spec_path.empty() == study_path.empty()) {
    return absl::InvalidArgumentError("give either --spec or --study with --row");
  }
  if (absl::GetFlag(FLAGS_out).empty()) return absl::InvalidArgumentError("--out is required");
  absl::StatusOr<Experiment> experiment =
      spec_path.empty() ? FromStudy(study_path, absl::GetFlag(FLAGS_row))
                        : LoadExperiment(spec_path, absl::GetFlag(FLAGS_override));
  if (!experiment.ok()) return experiment.status();
  // Its components build and its data loads and splits, before anything trains or is written.
  if (absl::StatusOr<RowFacts> facts = CheckExperiment(*experiment); !facts.ok()) {
    return facts.status();
  }
  absl::StatusOr<Compute> compute =
      ResolveCompute(absl::GetFlag(FLAGS_device), absl::GetFlag(FLAGS_precision),
                     absl::GetFlag(FLAGS_deterministic));
  if (!compute.ok()) return absl::InvalidArgumentError(compute.status().message());
  TrainOptions options;
  options.compute = *compute;
  options.out_dir = ResolveUserPath(absl::GetFlag(FLAGS_out));
  options.pretrained_dir = ResolveUserPath(absl::GetFlag(FLAGS_pretrained_dir));
  options.terminal = Progress::StderrIsTerminal();
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  return std::make_pair(*std::move(experiment), options);
}

absl::Status Train(const Experiment& experiment, const TrainOptions& options) {
  std::cerr << "compute: " << DescribeCompute(options.compute) << std::endl;
  SetTorchThreads(absl::GetFlag(FLAGS_threads));
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
      "  train --spec=FILE.textproto --out=DIR [--override='training { epochs: 5 }']\n"
      "  train --study=FILE.textproto --row=LABEL --out=DIR");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_list_linked)) {
    std::cout << "models: " << absl::StrJoin(nerve_mtl::models::RegisteredModels(), " ")
              << "\nstrategies: " << absl::StrJoin(nerve_mtl::losses::RegisteredStrategies(), " ")
              << std::endl;
    return nerve_mtl::kExitOk;
  }
  const auto prepared = nerve_mtl::study::Prepare();
  if (!prepared.ok()) return nerve_mtl::ReportFailure("train", prepared.status());
  const absl::Status status = nerve_mtl::study::Train(prepared->first, prepared->second);
  if (status.ok()) return nerve_mtl::kExitOk;
  // Training began: whatever stopped it (a non-finite loss, a write error) is a failed trial.
  nerve_mtl::ReportFailure("train", status);
  return nerve_mtl::kExitFailed;
}
