#ifndef NERVE_MTL_REPORTS_DEVIATIONS_H_
#define NERVE_MTL_REPORTS_DEVIATIONS_H_

// The report's "Deviations from the original" section: every difference between each row's
// resolved spec and the original study's configuration of the same network (reports/original.h),
// found field by field with protobuf reflection, so that it stays true as specs and spec
// fields change. Only fields the original's configuration sets are compared: a field it leaves
// out is unknown or does not apply to that network. Differences shared by the same rows are
// listed once.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/original.h"
#include "reports/tables.h"
#include "trial/experiment.pb.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

struct Difference {
  // Path from the Experiment, e.g. "training.learning_rate"; for oneof members that differ, the
  // oneof's path, e.g. "data.split.kind", with the members' names as the values.
  std::string field;
  std::string ours;
  std::string original;
};

bool operator==(const Difference& a, const Difference& b);

// Paths never compared: bookkeeping that does not change what is learnt (names, seeds, file
// paths, thread counts, logging) and values copied from elsewhere in the spec.
const std::vector<std::string>& NotComparedFields();

// The fields set in `original` whose value in `ours` differs, in field-number order, depth
// first. Unset fields of `ours` count as their defaults (resolved specs set them all). A loss
// strategy's options (loss.linear, loss.uncertainty, ...) are compared only when `ours` uses
// that strategy. Values: numbers as the shortest text that reads back the same, enums by name,
// lists as "[a, b]".
std::vector<Difference> Differences(const study::Experiment& ours,
                                    const study::Experiment& original);

// Rows that share exactly these differences.
struct DifferenceGroup {
  std::vector<std::string> rows;  // Report order.
  std::vector<Difference> differences;
};

struct FactLine {
  std::string aspect;
  std::string ours;
  std::string original;
  std::string source;
};

struct Deviations {
  // Every row and the original network it was compared with ("" for none), report order.
  std::vector<std::pair<std::string, std::string>> networks;
  // The group of every compared row first (when non-empty), then by first row, larger first.
  std::vector<DifferenceGroup> groups;
  // Rows whose model has no original network: label and model name.
  std::vector<std::pair<std::string, std::string>> without_original;
  // Compared rows without any difference.
  std::vector<std::string> identical;
  std::vector<FactLine> facts;
};

// Compares the rows `labels` (report order; each described by reports/row_specs.h). Errors: a
// fact's ours_oneof that names no oneof of Experiment.
absl::StatusOr<Deviations> CompareWithOriginal(const std::vector<study::Result>& results,
                                               const std::vector<std::string>& labels,
                                               const Original& original);

// The section, placed after the tables.
Section DeviationsSection(const Deviations& deviations);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_DEVIATIONS_H_
