#include "reports/writer.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "reports/check.h"
#include "reports/delta_m_section.h"
#include "reports/deviations.h"
#include "reports/original.h"
#include "reports/plots.h"
#include "reports/protocol.h"
#include "reports/results_io.h"
#include "reports/tables.h"
#include "reports/tables_csv.h"
#include "reports/tables_json.h"
#include "reports/tables_latex.h"
#include "reports/tables_markdown.h"
#include "trial/layout.h"

namespace nerve_mtl::reports {
namespace {

namespace fs = std::filesystem;

// Prints one line per moved number; true when nothing moved.
absl::StatusOr<bool> Check(const Report& report, const ReportJob& options) {
  const std::string path = (fs::path(options.check) / "report.json").string();
  absl::StatusOr<std::string> committed = ReadFile(path);
  if (!committed.ok()) return committed.status();
  // Exact on the platform that made the committed tables; across LibTorch versions or devices
  // rounding differences grow through training, and the allowance is measured in seed spreads.
  absl::StatusOr<std::string> platform = PlatformChange(report, *committed, path);
  if (!platform.ok()) return platform.status();
  const double spreads = platform->empty() ? 0 : options.cross_platform_seed_spreads;
  absl::StatusOr<std::vector<Change>> changes =
      CompareWithCommitted(report, *committed, path, options.tolerance, spreads);
  if (!changes.ok()) return changes.status();
  if (!platform->empty()) {
    std::cout << "another platform than the committed tables' (" << *platform
              << "): a metric may move by " << spreads
              << " seed-to-seed standard deviations, a p-value within its side of 0.05 "
                 "(docs/REPRODUCIBILITY.md)\n";
  }
  for (const Change& change : *changes) std::cout << FormatChange(change) << "\n";
  if (changes->empty()) {
    std::cout << "tables match " << path << " within " << options.tolerance;
    if (spreads > 0) std::cout << " + " << spreads << " seed standard deviations";
    std::cout << "\n";
  }
  std::cout << std::flush;
  return changes->empty();
}

// Everything is written into a temporary sibling of `out` and renamed into place only when
// all of it succeeded, so a failure leaves no partial report.
absl::Status Write(const std::vector<study::Result>& results, const Report& report,
                   const ReportJob& options) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const Table& table : report.tables) {
    files.emplace_back(table.name + ".md", RenderMarkdown(report, table));
    files.emplace_back(table.name + ".tex", RenderLatex(report, table));
    files.emplace_back(table.name + ".csv", RenderCsv(report, table));
  }
  files.emplace_back("report.md", RenderMarkdownReport(report));
  files.emplace_back("report.json", RenderJson(report));

  const fs::path out = fs::path(options.out).lexically_normal();
  const fs::path target = out.has_filename() ? out : out.parent_path();
  // The report folder keeps what others write there (overlays/): its entries are replaced one
  // by one, each by a rename from a private sibling (common/files.h).
  const fs::path temp = PrivateSibling(target.string());
  std::error_code error;
  fs::create_directories(temp, error);
  if (error) return absl::UnavailableError(absl::StrCat(temp.string(), ": ", error.message()));

  absl::Status status = absl::OkStatus();
  for (const auto& [name, contents] : files) {
    std::ofstream file(temp / name, std::ios::binary);
    file << contents;
    file.close();
    if (!file) {
      status = absl::UnavailableError(absl::StrCat((temp / name).string(), ": cannot write"));
      break;
    }
  }
  int plot_files = 0;
  if (status.ok() && options.plots) {
    PlotOptions plot_options;
    plot_options.gnuplot = options.gnuplot;
    plot_options.order = options.order;
    absl::StatusOr<std::vector<std::string>> plots =
        WritePlots(results, trial::PlotsDir(temp).string(), plot_options);
    if (plots.ok()) {
      plot_files = static_cast<int>(plots->size());
    } else {
      status = plots.status();
    }
  }
  if (status.ok()) {
    fs::create_directories(target, error);
    for (const auto& [name, contents] : files) {
      if (!error) fs::rename(temp / name, target / name, error);
    }
    if (error) {
      status = absl::UnavailableError(absl::StrCat(target.string(), ": ", error.message()));
    } else if (options.plots) {
      status = SwapInDirectory(trial::PlotsDir(temp).string(), trial::PlotsDir(target).string());
    }
  }
  fs::remove_all(temp, error);
  if (!status.ok()) return status;
  std::cout << "wrote " << files.size() << " table files";
  if (options.plots) std::cout << " and " << plot_files << " plot files";
  std::cout << " to " << target.string() << " (" << results.size() << " trials, "
            << report.context.failed.size() << " failed)" << std::endl;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> RunReportJob(ReportJob options) {
  if (options.results.empty()) return absl::InvalidArgumentError("--results is required");
  if (options.tolerance < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tolerance must be >= 0, got ", options.tolerance));
  }
  if (options.cross_platform_seed_spreads < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--cross_platform_seed_spreads must be >= 0, got ", options.cross_platform_seed_spreads));
  }
  if (options.out.empty()) options.out = trial::ReportDir(options.results).string();
  absl::StatusOr<std::vector<study::Result>> results =
      ReadResults(options.results, options.complete);
  if (!results.ok()) return results.status();
  ReportOptions report_options;
  report_options.order = options.order;
  absl::StatusOr<Report> report = BuildReport(*results, report_options);
  if (!report.ok()) return report.status();
  if (!options.check.empty()) return Check(*report, options);
  const std::vector<std::string> labels = OrderLabels(*results, options.order);
  report->sections.push_back(ProtocolSection(DescribeProtocol(*results, labels)));
  report->sections.push_back(DeltaMSection(*report));
  if (!options.original.empty()) {
    absl::StatusOr<Original> original = ReadOriginal(options.original);
    if (!original.ok()) return original.status();
    absl::StatusOr<Deviations> deviations = CompareWithOriginal(*results, labels, *original);
    if (!deviations.ok()) return deviations.status();
    report->sections.push_back(DeviationsSection(*deviations));
  }
  if (absl::Status s = Write(*results, *report, options); !s.ok()) return s;
  return true;
}

}  // namespace nerve_mtl::reports

