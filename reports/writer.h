#ifndef NERVE_MTL_REPORTS_WRITER_H_
#define NERVE_MTL_REPORTS_WRITER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/results_io.h"

namespace nerve_mtl::reports {

struct ReportJob {
  std::string results;             // Directory with trials/*/result.textproto.
  std::string out;                 // Empty: <results>/report.
  std::vector<std::string> order;  // Row labels first in this order.
  std::string check;               // Non-empty: compare with <check>/report.json, write nothing.
  double tolerance = 1e-6;
  // When the committed tables come from another LibTorch version or device (PlatformChange):
  // how many committed seed-to-seed standard deviations a metric may move (check.h).
  double cross_platform_seed_spreads = 3;
  bool plots = true;
  std::string gnuplot = "/usr/bin/gnuplot";
  // The original study's configuration (reports/original.h), for the report's "Deviations from
  // the original" section; empty: the section is left out.
  std::string original;
  // Fills in what older result files lack (ReadResults).
  CompleteResult complete;
};

// Builds the tables (and plots) from the results and writes them atomically into job.out, or
// with job.check compares them with the committed report.json, printing one line per number
// that moved beyond the tolerance. True when written, or when nothing moved.
absl::StatusOr<bool> RunReportJob(ReportJob job);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_WRITER_H_
