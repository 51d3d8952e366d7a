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
// one side is one change with metric "row". Errors: `committed_json` is not a report (the
// message names `source`).
absl::StatusOr<std::vector<Change>> CompareWithCommitted(const Report& current,
                                                         const std::string& committed_json,
                                                         const std::string& source,
                                                         double tolerance);

// "table | row | metric: committed X, now Y", one line without a newline.
std::string FormatChange(const Change& change);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_CHECK_H_
