#ifndef NERVE_MTL_REPORTS_PAIRED_H_
#define NERVE_MTL_REPORTS_PAIRED_H_

// Each row of a table against the table's single-task baseline, on the same test images:
//  - the two-sided Wilcoxon signed-rank test of the per-image values (mean over seeds per image),
//    pooled over every fold and seed the rows share (stats/wilcoxon.h);
//  - Holm's correction of those p-values over the table's compared rows (stats/holm.h);
//  - the mean paired difference (row minus baseline) with a 95% percentile bootstrap interval
//    that resamples patients (stats/bootstrap.h), kBootstrapResamples draws from the fixed
//    kBootstrapSeed, so a table is byte-identical wherever it is rebuilt.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "reports/tables.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

inline constexpr int kBootstrapResamples = 10000;
inline constexpr uint64_t kBootstrapSeed = 20261201;

// The value of each test image a paired test compares.
enum class PerImage {
  kDice,     // Per-image test Dice.
  kCorrect,  // 1 where the predicted class is the true one, else 0.
};

// A row's successful trials.
using TrialsOf = std::function<const std::vector<const study::Result*>&(const std::string& label)>;

// Whether a trial's row can be a table's baseline.
using IsBaseline = std::function<bool(const study::Result&)>;

// Marks the baseline row (the first whose first trial `is_baseline`) and fills every other row's
// p_value, p_holm, paired_images, paired_patients and difference fields. No baseline row: nothing
// is compared. Errors name the table and row.
absl::Status AddPairedComparisons(const TrialsOf& trials, const IsBaseline& is_baseline,
                                  PerImage value, Table* table);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_PAIRED_H_
