#ifndef NERVE_MTL_REPORTS_TABLE_TEXT_H_
#define NERVE_MTL_REPORTS_TABLE_TEXT_H_

// Text that every rendering of the tables shares (tables_markdown.h, tables_latex.h,
// tables_csv.h, tables_json.h): numbers, the context header, failed trials.

#include <string>
#include <vector>

#include "common/text.h"  // OneLine: results come from files, a newline must not break a field.
#include "reports/tables.h"

namespace nerve_mtl::reports {

// `value` with `precision` decimals.
std::string Fixed(double value, int precision);

// A p-value, three significant digits.
std::string FormatP(double p);

// Shortest text that reads back as the same double; "" for NaN and infinities.
std::string Exact(double value);

// "key: value" lines that every rendering starts with, in its own comment syntax. Wall time
// changes with every run, so only the whole report (`what` empty) and the cost table carry it:
// the metric tables of two runs of one study are byte-identical.
std::vector<std::string> ContextLines(const Context& c, const std::string& what);

// Whether some trial ran beside others (--jobs): only then do the jobs appear in the context.
bool SideBySide(const Context& c);

// "label, seed 3 (trial ab12): reason".
std::string FailedLine(const FailedTrial& f);

// The n column: successful seeds, and the failed ones when there are any.
std::string SeedCount(const Row& row);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_TABLE_TEXT_H_
