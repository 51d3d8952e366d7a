#include "reports/tables_csv.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "reports/table_text.h"

namespace nerve_mtl::reports {
namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

}  // namespace

std::string RenderCsv(const Report& report, const Table& table) {
  std::string out;
  for (const std::string& line : ContextLines(report.context, table.name)) {
    absl::StrAppend(&out, "# ", line, "\n");
  }
  for (const FailedTrial& f : report.context.failed) {
    absl::StrAppend(&out, "# failed: ", FailedLine(f), "\n");
  }
  const bool tested = !table.baseline.empty();
  absl::StrAppend(&out, "label,n,failed", table.budget_column ? ",pretrain_epochs,epochs" : "");
  for (const Column& c : table.columns) {
    absl::StrAppend(&out, ",", c.key, "_mean,", c.key, "_std,", c.key, "_n");
    if (c.shown == Shown::kTotal) absl::StrAppend(&out, ",", c.key, "_total");
  }
  if (tested) {
    absl::StrAppend(&out,
                    ",baseline,p_value,p_holm,paired_images,paired_patients,difference,"
                    "difference_low,difference_high");
  }
  absl::StrAppend(&out, "\n");
  for (const Row& row : table.rows) {
    absl::StrAppend(&out, CsvField(row.label), ",", row.seeds.size(), ",", row.failed);
    if (table.budget_column) {
      absl::StrAppend(&out, ",", row.budget.pretrain, ",", row.budget.epochs);
    }
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Cell& cell = row.cells[c];
      absl::StrAppend(&out, ",", Exact(cell.mean), ",", Exact(cell.std), ",", cell.n);
      if (table.columns[c].shown == Shown::kTotal) absl::StrAppend(&out, ",", Exact(cell.total));
    }
    if (tested) {
      absl::StrAppend(&out, ",", row.baseline ? 1 : 0, ",", Exact(row.p_value), ",",
                      Exact(row.p_holm), ",", row.paired_images, ",", row.paired_patients, ",",
                      Exact(row.difference), ",", Exact(row.difference_low), ",",
                      Exact(row.difference_high));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace nerve_mtl::reports
