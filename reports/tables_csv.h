#ifndef NERVE_MTL_REPORTS_TABLES_CSV_H_
#define NERVE_MTL_REPORTS_TABLES_CSV_H_

// The study's tables as CSV (reports/tables.h builds them).

#include <string>

#include "reports/tables.h"

namespace nerve_mtl::reports {

// One table with the context and the failed trials in a '#' comment header; every number at
// full precision.
std::string RenderCsv(const Report& report, const Table& table);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_TABLES_CSV_H_
