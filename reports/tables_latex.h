#ifndef NERVE_MTL_REPORTS_TABLES_LATEX_H_
#define NERVE_MTL_REPORTS_TABLES_LATEX_H_

// The study's tables as LaTeX (reports/tables.h builds them).

#include <string>

#include "reports/tables.h"

namespace nerve_mtl::reports {

// One table with the context in a % comment header: a booktabs tabular with decimal-aligned
// columns (reports/latex_format.h), and the failed trials in comments.
std::string RenderLatex(const Report& report, const Table& table);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_TABLES_LATEX_H_
