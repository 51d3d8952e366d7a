#ifndef NERVE_MTL_REPORTS_DELTA_M_SECTION_H_
#define NERVE_MTL_REPORTS_DELTA_M_SECTION_H_

// The report's "Multitask summary": for every row with both tasks, its test Dice and accuracy
// (means over seeds) and Delta_m against the two single-task baselines (stats/delta_m.h), the
// figure the multitask literature summarises a model with.

#include "reports/tables.h"

namespace nerve_mtl::reports {

// Reads the segmentation and classification tables of `report` (their baselines and their
// "test_dice" and "test_accuracy" columns). Rows without both, or a table without a baseline,
// are left out, and the section says why when nothing is left.
Section DeltaMSection(const Report& report);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_DELTA_M_SECTION_H_
