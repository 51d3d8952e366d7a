// Joins the results of study shards (run with --shard=i/n or --shard=auto, perhaps on several
// machines) and, with --report, writes the tables with the rows in the study's order:
//   bazel run //study:merge -- --into=DIR [--report=DIR] SHARD_DIR...
// (or `bazel run //reports:build -- --results=DIR` afterwards). Shards of different studies are
// refused (exit 2). Failed trials, and trials no shard finished, are listed one line each with
// the shard and task that should have made them, and exit 3 after the merge and the tables.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/cli.h"
#include "reports/writer.h"
#include "study/components.h"
#include "study/merge_shards.h"

ABSL_FLAG(std::string, into, "", "Results directory to merge into (may be a shard directory)");
ABSL_FLAG(std::string, report, "", "Also write the tables and plots here; empty: do not");
ABSL_FLAG(bool, plots, true, "With --report: draw plots with gnuplot");
ABSL_FLAG(std::string, original, "//study/original",
          "With --report: the original study's configuration, for the report's deviations; "
          "empty: leave them out");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Merges study shards.\n  merge --into=DIR [--report=DIR] SHARD_DIR...");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  const std::string into = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_into));
  if (into.empty() || positional.size() < 2) {
    return nerve_mtl::ReportFailure(
        "merge", absl::InvalidArgumentError("give --into=DIR and at least one shard directory"));
  }
  std::vector<std::string> shards;
  for (size_t i = 1; i < positional.size(); ++i) {
    shards.push_back(nerve_mtl::ResolveUserPath(positional[i]));
  }
  // Shards are read and compared before anything is written: a conflict, a missing shard or
  // shards of two studies are bad input (2), a write error a failure of the work (3).
  const absl::StatusOr<nerve_mtl::study::MergeOutcome> outcome =
      nerve_mtl::study::MergeShards(shards, into);
  if (!outcome.ok()) return nerve_mtl::ReportFailure("merge", outcome.status());
  std::cout << "merged " << shards.size() << " shard(s) into " << into << std::endl;
  if (!absl::GetFlag(FLAGS_report).empty()) {
    nerve_mtl::reports::ReportJob report;
    report.results = into;
    report.out = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_report));
    report.order = outcome->order;
    report.complete = nerve_mtl::study::RecordComponents;
    report.plots = absl::GetFlag(FLAGS_plots);
    if (!absl::GetFlag(FLAGS_original).empty()) {
      report.original = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_original));
    }
    const absl::StatusOr<bool> written = nerve_mtl::reports::RunReportJob(report);
    if (!written.ok()) {
      nerve_mtl::ReportFailure("merge", written.status());
      return nerve_mtl::kExitFailed;
    }
  }
  for (const std::string& problem : outcome->problems) {
    std::cerr << "merge: " << problem << "\n";
  }
  if (outcome->failed > 0 || outcome->missing > 0) {
    std::cerr << "merge: " << outcome->failed << " trial(s) failed, " << outcome->missing
              << " without a result" << std::endl;
    return nerve_mtl::kExitFailed;
  }
  return nerve_mtl::kExitOk;
}
