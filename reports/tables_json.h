#ifndef NERVE_MTL_REPORTS_TABLES_JSON_H_
#define NERVE_MTL_REPORTS_TABLES_JSON_H_

// The study's tables as JSON (reports/tables.h builds them).

#include <string>

#include "reports/tables.h"

namespace nerve_mtl::reports {

// Machine-readable: {"context": ..., "tables": [...], "failed_trials": [...]}, every row's
// metrics with mean, std, n, total, per-seed values and the p-value; NaN as null.
std::string RenderJson(const Report& report);

// Escaping the sections share with the tables: a quoted JSON string.
std::string JsonText(const std::string& s);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_TABLES_JSON_H_
