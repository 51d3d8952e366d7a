// Runs a study's grid, then writes its tables and plots:
//   bazel run //study:all              the default study (study/studies/default.textproto)
//   bazel run //study:smoke            a small one
//   bazel run //study:all -- --check   rerun into <results>-check and compare with the
//                                      committed tables, reporting every metric that moved
//   bazel run //study:all -- --shard=0/4   one deterministic share of the trials (then
//                                      //study:merge and //reports:build)
// Finished trials are skipped on rerun; a killed trial resumes from its last epoch.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/cli.h"
#include "common/compute.h"
#include "common/progress.h"
#include "common/textproto.h"
#include "common/threads.h"
#include "reports/results_io.h"
#include "reports/writer.h"
#include "study/grid.h"
#include "study/overlays.h"
#include "study/runner.h"
#include "study/study.pb.h"
#include "study/thresholds.h"

ABSL_FLAG(std::string, study, "", "Study text proto (study/study.proto)");
ABSL_FLAG(std::string, results, "", "Results directory (trials/, pretrained/)");
ABSL_FLAG(std::string, report, "", "Tables and plots directory; empty: <results>/report");
ABSL_FLAG(std::string, shard, "0/1", "Run share i of n of the trials");
ABSL_FLAG(bool, check, false,
          "Rerun into <results>-check and compare with the tables in --report, writing nothing");
ABSL_FLAG(double, tolerance, -1, "With --check: change that is reported; < 0: the study's");
ABSL_FLAG(int, threads, 0, "LibTorch intra-op threads; 0 = all cores");
ABSL_FLAG(std::string, device, "auto", "auto (cuda when LibTorch sees a GPU), cpu, cuda or cuda:N");
ABSL_FLAG(std::string, precision, "auto", "auto (bf16 on cuda, fp32 on cpu), fp32 or bf16");
ABSL_FLAG(std::string, deterministic, "auto",
          "auto (true on cpu, false on cuda), true (bit-identical reruns) or false (cuDNN "
          "autotuning, TF32, channels-last)");
ABSL_FLAG(bool, tensorboard, true, "Write TensorBoard events for every trial");
ABSL_FLAG(bool, plots, true, "Draw plots with gnuplot");

namespace nerve_mtl::study {
namespace {

// Row labels in grid order, for the tables.
std::vector<std::string> Labels(const std::vector<Trial>& trials) {
  std::vector<std::string> labels;
  for (const Trial& t : trials) {
    if (labels.empty() || labels.back() != t.label) labels.push_back(t.label);
  }
  return labels;
}

// Exit status: 0 done, 1 check found moved metrics or thresholds failed.
absl::StatusOr<int> Run() {
  const std::string study_path = ResolveInputPath(absl::GetFlag(FLAGS_study));
  if (study_path.empty()) return absl::InvalidArgumentError("--study is required");
  if (absl::GetFlag(FLAGS_results).empty()) {
    return absl::InvalidArgumentError("--results is required");
  }
  Study study;
  if (absl::Status s = ReadTextProtoFile(study_path, &study); !s.ok()) return s;
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
  if (!trials.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(study_path, ": ", trials.status().message()));
  }
  RunOptions options;
  if (absl::Status s = ParseShard(absl::GetFlag(FLAGS_shard), &options.shard_index,
                                  &options.shard_count);
      !s.ok()) {
    return s;
  }
  const bool check = absl::GetFlag(FLAGS_check);
  std::string results = ResolveUserPath(absl::GetFlag(FLAGS_results));
  if (check) results += "-check";
  const std::string report = absl::GetFlag(FLAGS_report).empty()
                                 ? results + "/report"
                                 : ResolveUserPath(absl::GetFlag(FLAGS_report));
  absl::StatusOr<Compute> compute =
      ResolveCompute(absl::GetFlag(FLAGS_device), absl::GetFlag(FLAGS_precision),
                     absl::GetFlag(FLAGS_deterministic));
  if (!compute.ok()) return compute.status();
  std::cout << "compute: " << DescribeCompute(*compute) << std::endl;
  SetTorchThreads(absl::GetFlag(FLAGS_threads));
  options.compute = *compute;
  options.results_dir = results;
  options.terminal = Progress::StderrIsTerminal();
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  absl::StatusOr<RunSummary> summary = RunStudy(study, options);
  if (!summary.ok()) return summary.status();
  if (options.shard_count > 1) {
    std::cout << "shard " << options.shard_index << "/" << options.shard_count
              << " done; join the shards with //study:merge, then //reports:build" << std::endl;
    return 0;
  }

  reports::ReportJob job;
  job.results = results;
  job.order = Labels(*trials);
  job.plots = absl::GetFlag(FLAGS_plots);
  if (check) {
    job.check = report;
    job.tolerance = absl::GetFlag(FLAGS_tolerance) >= 0 ? absl::GetFlag(FLAGS_tolerance)
                                                        : study.check_tolerance();
    job.cross_platform_seed_spreads = study.cross_platform_seed_spreads();
  } else {
    job.out = report;
  }
  absl::StatusOr<bool> clean = reports::RunReportJob(job);
  if (!clean.ok()) return clean.status();

  absl::StatusOr<std::vector<Result>> all = reports::ReadResults(results);
  if (!all.ok()) return all.status();
  if (!check) {
    // Rendered into a temporary folder, then moved into place.
    namespace fs = std::filesystem;
    const fs::path target = fs::path(report) / "overlays";
    const fs::path temp = fs::path(report) / ".overlays.tmp";
    std::error_code error;
    fs::remove_all(temp, error);
    absl::StatusOr<int> overlays = WriteDisagreementOverlays(results, *all, temp.string(), 6);
    if (!overlays.ok()) return overlays.status();
    fs::remove_all(target, error);
    if (fs::exists(temp)) fs::rename(temp, target, error);
    if (error) return absl::InternalError(absl::StrCat(target.string(), ": ", error.message()));
    std::cout << "wrote " << *overlays << " overlays of images hard and soft sharing classify "
              << "differently to " << target.string() << std::endl;
  }
  absl::StatusOr<std::vector<std::string>> violations = CheckThresholds(study, *all);
  if (!violations.ok()) return violations.status();
  for (const std::string& v : *violations) std::cout << "threshold: " << v << "\n";
  std::cout << std::flush;
  return *clean && violations->empty() ? 0 : 1;
}

}  // namespace
}  // namespace nerve_mtl::study

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Runs a study and writes its tables.\n"
      "  run_study --study=FILE.textproto --results=DIR [--report=DIR] [--shard=i/n] [--check]");
  absl::ParseCommandLine(argc, argv);
  const absl::StatusOr<int> code = nerve_mtl::study::Run();
  if (!code.ok()) return nerve_mtl::ReportFailure("study", code.status());
  return *code;
}
