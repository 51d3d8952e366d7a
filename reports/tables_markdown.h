#ifndef NERVE_MTL_REPORTS_TABLES_MARKDOWN_H_
#define NERVE_MTL_REPORTS_TABLES_MARKDOWN_H_

// The study's tables as Markdown (reports/tables.h builds them).

#include <string>

#include "reports/tables.h"

namespace nerve_mtl::reports {

// One table with the context in an HTML comment header, and the failed trials.
std::string RenderMarkdown(const Report& report, const Table& table);

// Every table together, with the context, the sections and the failed trials.
std::string RenderMarkdownReport(const Report& report);

// Escaping the sections share with the tables: one line with '|' escaped for a table cell.
std::string MarkdownText(const std::string& s);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_TABLES_MARKDOWN_H_
