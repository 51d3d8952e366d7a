#ifndef NERVE_MTL_REPORTS_CHECK_H_
#define NERVE_MTL_REPORTS_CHECK_H_

// Compares freshly computed tables with a committed report.json, so that CI notices when a
// change moves the study's numbers.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/tables.h"

namespace nerve_mtl::reports {

// One number that differs between the committed and the current tables. A value that is
// absent or null (NaN) on one side is NaN here.
struct Change {
  std::string table;
  std::string row;
  std::string metric;  // "test_dice.mean", "test_dice.std", "test_dice.n", "p_value", "row".
  double committed = kMissing;
  double current = kMissing;
};

// Every checked number of `current` (means, stds, counts and totals of the columns marked
// `checked`, and p-values) whose absolute difference from `committed_json` (a RenderJson
// output) exceeds `tolerance`, in table and row order; NaN equals NaN. A row present on only
// one side is one change with metric "row". With `seed_spreads` > 0 (across LibTorch versions
// or devices, see PlatformChange) a mean or std may also move by that many of the cell's
// committed seed-to-seed standard deviations (a total by n times as many), and a p-value may
// move as long as it stays on the same side of 0.05: the allowance docs/REPRODUCIBILITY.md
// derives from measurements. Counts (n) and rows must still match. Errors: `committed_json` is
// not a report (the message names `source`).
absl::StatusOr<std::vector<Change>> CompareWithCommitted(const Report& current,
                                                         const std::string& committed_json,
                                                         const std::string& source,
                                                         double tolerance,
                                                         double seed_spreads = 0);

// Reruns are bit-identical only with the same LibTorch on the same device, precision and mode.
// Empty when `committed_json`'s context lists the same LibTorch versions and devices as
// `current`'s; else one line saying what differs, e.g. "LibTorch 1.13.0 (Debian 1.13.1+dfsg-4)
// -> 2.6.0 (Debian 2.6.0+dfsg-7)". Errors: `committed_json` is not a report.
absl::StatusOr<std::string> PlatformChange(const Report& current,
                                           const std::string& committed_json,
                                           const std::string& source);

// "table | row | metric: committed X, now Y", one line without a newline.
std::string FormatChange(const Change& change);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_CHECK_H_
