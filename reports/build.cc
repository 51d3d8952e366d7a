// Writes a study's tables and plots from its result files alone:
//   bazel run //reports:build -- --results=DIR [--out=DIR] [--order=label1,label2,...]
// or compares the tables with committed ones (for CI), writing nothing:
//   bazel run //reports:build -- --results=DIR --check=COMMITTED_DIR [--tolerance=1e-6]
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "common/cli.h"
#include "reports/writer.h"

ABSL_FLAG(std::string, results, "",
          "Study results directory, holding trials/<trial id>/result.textproto");
ABSL_FLAG(std::string, out, "", "Output directory (default: <results>/report)");
ABSL_FLAG(std::string, order, "",
          "Row labels in table order, comma-separated; labels not named follow, sorted");
ABSL_FLAG(std::string, check, "",
          "Directory with a committed report.json: compare the tables with it instead of writing");
ABSL_FLAG(double, tolerance, 1e-6, "With --check: largest absolute change that is not reported");
ABSL_FLAG(double, cross_platform_seed_spreads, 3,
          "With --check against another LibTorch version or device: seed-to-seed standard "
          "deviations a metric may move besides --tolerance (docs/REPRODUCIBILITY.md)");
ABSL_FLAG(bool, plots, true, "Draw plots/ with gnuplot");
ABSL_FLAG(std::string, gnuplot, "/usr/bin/gnuplot", "The gnuplot binary");
ABSL_FLAG(std::string, original, "//study/original",
          "The original study's configuration, for the deviations section; empty: leave it out");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a study's tables (Markdown, LaTeX, CSV, JSON) and plots from its results.\n"
      "  bazel run //reports:build -- --results=DIR [--out=DIR] [--order=label1,label2,...]\n"
      "  bazel run //reports:build -- --results=DIR --check=COMMITTED_DIR [--tolerance=1e-6]");
  absl::ParseCommandLine(argc, argv);
  nerve_mtl::reports::ReportJob options;
  options.results = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_results));
  options.out = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_out));
  for (absl::string_view label :
       absl::StrSplit(absl::GetFlag(FLAGS_order), ',', absl::SkipWhitespace())) {
    options.order.emplace_back(absl::StripAsciiWhitespace(label));
  }
  options.check = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_check));
  options.tolerance = absl::GetFlag(FLAGS_tolerance);
  options.cross_platform_seed_spreads = absl::GetFlag(FLAGS_cross_platform_seed_spreads);
  options.plots = absl::GetFlag(FLAGS_plots);
  options.gnuplot = absl::GetFlag(FLAGS_gnuplot);
  if (!absl::GetFlag(FLAGS_original).empty()) {
    options.original = nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_original));
  }
  const absl::StatusOr<bool> clean = nerve_mtl::reports::RunReportJob(std::move(options));
  if (!clean.ok()) return nerve_mtl::ReportFailure("build", clean.status());
  return *clean ? 0 : 1;
}
