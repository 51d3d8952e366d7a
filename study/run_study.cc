// Runs a study's grid, then writes its tables and plots:
//   bazel run //study:all              the default study (study/studies/default.textproto)
//   bazel run //study:smoke            a small one
//   bazel run //study:all -- --check   rerun into <results>-check and compare with the
//                                      committed tables, reporting every metric that moved
//   bazel run //study:all -- --shard=0/4   one deterministic share of the trials (then
//                                      //study:merge); --shard=auto in a Slurm array task
//                                      or a Kubernetes Indexed Job pod (deploy/)
//   bazel run //study:all -- --dry_run check everything, print the trials and an estimate
//   bazel run //study:all -- --jobs=2  two trials at once, each in a child process with
//                                      --threads / 2 threads (docs/DESIGN.md §5)
// Every row is checked (components, data, budgets, thresholds) before anything trains. Exit
// status as the README's table: 0 done, 1 moved metrics or a missed threshold, 2 bad input
// (nothing written), 3 a trial failed (tables written) or the work stopped on an error.
// Finished trials are skipped on rerun; a killed trial resumes from its last epoch.
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cli.h"
#include "common/compute.h"
#include "common/progress.h"
#include "common/compute_flags.h"
#include "common/files.h"
#include "common/textproto.h"
#include "common/threads.h"
#include "reports/results_io.h"
#include "reports/writer.h"
#include "study/components.h"
#include "study/dry_run.h"
#include "study/grid.h"
#include "study/overlays.h"
#include "study/preflight.h"
#include "study/runner.h"
#include "study/shard_auto.h"
#include "study/spec.h"
#include "study/study.pb.h"
#include "study/thresholds.h"
#include "trial/layout.h"

ABSL_FLAG(std::string, study, "", "Study text proto (study/study.proto)");
ABSL_FLAG(std::string, results, "", "Results directory (trials/, pretrained/)");
ABSL_FLAG(std::vector<std::string>, reuse, {},
          "Other studies' results directories, comma-separated: trials with the same id and an "
          "OK result there are copied, not trained");
ABSL_FLAG(std::string, report, "", "Tables and plots directory; empty: <results>/report");
ABSL_FLAG(std::string, shard, "0/1",
          "Run share i of n of the trials; auto: from a Slurm job array's or a Kubernetes "
          "Indexed Job's environment");
ABSL_FLAG(int, shard_count, 0,
          "With --shard=auto in a Kubernetes Indexed Job: the shard count (its completions); "
          "0: NERVE_MTL_SHARD_COUNT");
ABSL_FLAG(bool, check, false,
          "Rerun into <results>-check and compare with the tables in --report, writing nothing");
ABSL_FLAG(double, tolerance, -1, "With --check: change that is reported; < 0: the study's");
// --threads, --device, --precision, --deterministic: common/compute_flags.h. With --jobs=N each
// trial gets max(1, threads / N) threads, and its numbers are those of a run with that many.
ABSL_FLAG(int, jobs, 1,
          "Trials trained side by side, each in a child process (its output in "
          "<results>/jobs/<trial id>.log) with max(1, threads / jobs) threads; 1: one after "
          "another in this process");
ABSL_FLAG(std::string, trial_spec, "",
          "Internal, how --jobs runs a trial: train the experiment in this file "
          "(<trial id>.textproto) into --results, write its result and exit");
ABSL_FLAG(bool, tensorboard, true, "Write TensorBoard events for every trial");
ABSL_FLAG(bool, plots, true, "Draw plots with gnuplot");
ABSL_FLAG(std::string, original, "//study/original",
          "The original study's configuration, for the report's deviations; empty: leave them out");
ABSL_FLAG(bool, dry_run, false,
          "Check the study, print its rows and trials (done, failed or to do in --results) and "
          "an estimated time, and exit without training or writing anything");

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

// The study, its checked plan and where it goes: everything found wrong here is bad input.
struct Job {
  Study study;
  StudyPlan plan;
  RunOptions options;
  bool check = false;
  std::string results;
  std::string report;
};

absl::StatusOr<Job> Prepare() {
  const std::string study_path = ResolveInputPath(absl::GetFlag(FLAGS_study));
  if (study_path.empty()) return absl::InvalidArgumentError("--study is required");
  if (absl::GetFlag(FLAGS_results).empty()) {
    return absl::InvalidArgumentError("--results is required");
  }
  Job job;
  if (absl::Status s = ReadTextProtoFile(study_path, &job.study); !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  absl::StatusOr<Shard> shard =
      ResolveShard(absl::GetFlag(FLAGS_shard), absl::GetFlag(FLAGS_shard_count));
  if (!shard.ok()) return shard.status();
  job.options.shard_index = shard->index;
  job.options.shard_count = shard->count;
  absl::StatusOr<Compute> compute =
      ResolveCompute(absl::GetFlag(FLAGS_device), absl::GetFlag(FLAGS_precision),
                     absl::GetFlag(FLAGS_deterministic));
  if (!compute.ok()) return absl::InvalidArgumentError(compute.status().message());
  job.options.compute = *compute;
  if (absl::GetFlag(FLAGS_jobs) < 1) {
    return absl::InvalidArgumentError("--jobs must be at least 1");
  }
  // Every row's components, data and thresholds, before anything trains.
  absl::StatusOr<StudyPlan> plan = PrepareStudy(job.study);
  if (!plan.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(study_path, ": ", plan.status().message()));
  }
  job.plan = *std::move(plan);
  for (const std::string& dir : absl::GetFlag(FLAGS_reuse)) {
    job.options.reuse_dirs.push_back(ResolveUserPath(dir));
  }
  job.check = absl::GetFlag(FLAGS_check);
  job.results = ResolveUserPath(absl::GetFlag(FLAGS_results));
  if (job.check) job.results += "-check";
  job.report = absl::GetFlag(FLAGS_report).empty() ? trial::ReportDir(job.results).string()
                                                   : ResolveUserPath(absl::GetFlag(FLAGS_report));
  return job;
}

// Trains, writes the tables and checks them. Exit status: 0 done; 1 --check found moved metrics
// or a threshold is missed; 3 a trial failed (the tables are written, listing it).
absl::StatusOr<int> Work(Job& job) {
  const Study& study = job.study;
  std::cout << "compute: " << DescribeCompute(job.options.compute) << std::endl;
  SetTorchThreads(absl::GetFlag(FLAGS_threads));
  RunOptions& options = job.options;
  options.results_dir = job.results;
  options.terminal = Progress::StderrIsTerminal();
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  if (absl::GetFlag(FLAGS_jobs) > 1) {
    // Children, not threads: LibTorch's generator, thread pool and compute flags are
    // process-wide (docs/DESIGN.md §5, "Trials side by side"). Each child is this binary again.
    options.jobs = absl::GetFlag(FLAGS_jobs);
    const int threads = ThreadsPerJob(absl::GetFlag(FLAGS_threads), options.jobs);
    std::error_code error;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
    if (error) return absl::InternalError(absl::StrCat("/proc/self/exe: ", error.message()));
    const std::vector<std::string> flags = {
        absl::StrCat("--results=", job.results),
        absl::StrCat("--threads=", threads),
        absl::StrCat("--jobs=", options.jobs),
        absl::StrCat("--device=", absl::GetFlag(FLAGS_device)),
        absl::StrCat("--precision=", absl::GetFlag(FLAGS_precision)),
        absl::StrCat("--deterministic=", absl::GetFlag(FLAGS_deterministic)),
        absl::StrCat("--tensorboard=", options.tensorboard ? "true" : "false")};
    options.child_command = [self, flags](const std::string& spec) {
      std::vector<std::string> argv = {self, absl::StrCat("--trial_spec=", spec)};
      argv.insert(argv.end(), flags.begin(), flags.end());
      return argv;
    };
    std::cout << absl::StrFormat("jobs: %d trials side by side, %d thread(s) each", options.jobs,
                                 threads)
              << std::endl;
  }
  // The shard's record (study_identity.h) lets //study:merge check and name what it joins.
  absl::StatusOr<RunSummary> summary =
      RunRecordedTrials(study, job.plan.trials, options, TaskName());
  if (!summary.ok()) return summary.status();
  if (options.shard_count > 1) {
    std::cout << "shard " << options.shard_index << "/" << options.shard_count
              << " done; join the shards with //study:merge, then //reports:build" << std::endl;
    return summary->failed > 0 ? kExitFailed : kExitOk;
  }

  reports::ReportJob report;
  report.complete = RecordComponents;
  report.results = job.results;
  report.order = Labels(job.plan.trials);
  report.plots = absl::GetFlag(FLAGS_plots);
  if (!absl::GetFlag(FLAGS_original).empty()) {
    report.original = ResolveUserPath(absl::GetFlag(FLAGS_original));
  }
  if (job.check) {
    report.check = job.report;
    report.tolerance = absl::GetFlag(FLAGS_tolerance) >= 0 ? absl::GetFlag(FLAGS_tolerance)
                                                           : study.check_tolerance();
    report.cross_platform_seed_spreads = study.cross_platform_seed_spreads();
  } else {
    report.out = job.report;
  }
  absl::StatusOr<bool> clean = reports::RunReportJob(report);
  if (!clean.ok()) return clean.status();

  absl::StatusOr<std::vector<Result>> all = reports::ReadResults(job.results, RecordComponents);
  if (!all.ok()) return all.status();
  if (!job.check) {
    // Rendered into a private folder, then moved into place (common/files.h).
    const std::string target = trial::OverlaysDir(job.report).string();
    int overlays = 0;
    if (absl::Status s = ReplaceDirectory(
            target,
            [&](const std::string& dir) {
              absl::StatusOr<int> written = WriteDisagreementOverlays(job.results, *all, dir, 6);
              if (written.ok()) overlays = *written;
              return written.status();
            });
        !s.ok()) {
      return s;
    }
    std::cout << "wrote " << overlays << " overlays of images hard and soft sharing classify "
              << "differently to " << target << std::endl;
  }
  absl::StatusOr<std::vector<std::string>> violations = CheckThresholds(study, *all);
  if (!violations.ok()) return violations.status();
  for (const std::string& v : *violations) std::cout << "threshold: " << v << "\n";
  // Failed trials of this grid, this run's or an earlier one's: their results stay, so rerunning
  // skips them until their folders are removed.
  int failed = 0;
  std::set<std::string> ids;
  for (const Trial& t : job.plan.trials) ids.insert(t.id);
  for (const Result& r : *all) failed += r.status() == Result::FAILED && ids.count(r.trial_id());
  std::cout << std::flush;
  if (failed > 0) {
    std::cerr << "study: " << failed << " trial(s) failed; the tables list them (remove their "
              << "folders under " << trial::TrialsDir(job.results).string() << " to retry)"
              << std::endl;
    return kExitFailed;
  }
  return *clean && violations->empty() ? kExitOk : kExitDiffers;
}

// A child of --jobs (RunOptions::child_command): trains the experiment in --trial_spec into
// --results and writes its result, OK or FAILED, which the parent reads. Exit 0 once written.
int TrainChild() {
  namespace fs = std::filesystem;
  const std::string spec = absl::GetFlag(FLAGS_trial_spec);
  Experiment experiment;
  if (absl::Status s = ReadTextProtoFile(spec, &experiment); !s.ok()) {
    return ReportFailure("study", s);
  }
  // The parent names the file by the trial's id: a spec that hashes elsewhere would train into
  // another trial's folder.
  if (TrialId(experiment) != fs::path(spec).stem().string()) {
    return ReportFailure("study", absl::InvalidArgumentError(absl::StrCat(spec, " hashes to trial ",
                                                                          TrialId(experiment))));
  }
  absl::StatusOr<Compute> compute =
      ResolveCompute(absl::GetFlag(FLAGS_device), absl::GetFlag(FLAGS_precision),
                     absl::GetFlag(FLAGS_deterministic));
  if (!compute.ok()) {
    return ReportFailure("study", absl::InvalidArgumentError(compute.status().message()));
  }
  RunOptions options;
  options.results_dir = ResolveUserPath(absl::GetFlag(FLAGS_results));
  options.compute = *compute;
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  options.jobs = absl::GetFlag(FLAGS_jobs);
  std::cerr << "compute: " << DescribeCompute(options.compute) << ", "
            << SetTorchThreads(absl::GetFlag(FLAGS_threads)) << " thread(s)" << std::endl;
  absl::StatusOr<Result> result = TrainAndRecord(experiment, options);
  if (!result.ok()) {
    ReportFailure("study", result.status());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace
}  // namespace nerve_mtl::study

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Runs a study and writes its tables.\n"
      "  run_study --study=FILE.textproto --results=DIR [--report=DIR] [--shard=i/n] [--jobs=N]\n"
      "            [--check]");
  absl::ParseCommandLine(argc, argv);
  if (!absl::GetFlag(FLAGS_trial_spec).empty()) return nerve_mtl::study::TrainChild();
  absl::StatusOr<nerve_mtl::study::Job> job = nerve_mtl::study::Prepare();
  if (!job.ok()) return nerve_mtl::ReportFailure("study", job.status());  // 2: nothing written
  if (absl::GetFlag(FLAGS_dry_run)) {
    std::cout << nerve_mtl::study::DescribePlan(
        job->plan,
        nerve_mtl::study::ShardTrials(job->plan.trials, job->options.shard_index,
                                      job->options.shard_count),
        job->results);
    return nerve_mtl::kExitOk;
  }
  const absl::StatusOr<int> code = nerve_mtl::study::Work(*job);
  if (!code.ok()) {
    // Work has begun, so whatever stopped it is a failure of the work, not of the input.
    nerve_mtl::ReportFailure("study", code.status());
    return nerve_mtl::kExitFailed;
  }
  return *code;
}
