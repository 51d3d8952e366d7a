#include "reports/tables_latex.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reports/latex_format.h"
#include "reports/table_text.h"

namespace nerve_mtl::reports {
namespace {

std::string LatexEscape(const std::string& s) {
  std::string out;
  for (char ch : OneLine(s)) {
    switch (ch) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += ch;
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// Decimal-aligned columns (reports/latex_format.h): a mean +- std is two `r` columns joined by
// the sign, a p-value an r@{}l pair split at its point, a difference an `r` column beside its
// interval.

constexpr char kLatexMeanStd[] = "r@{\\enspace$\\pm$\\enspace}r";

// A cell's columns (two for a mean +- std), joined by " & ".
std::string LatexCells(const Column& column, const Cell& cell) {
  const bool pair = column.shown == Shown::kMeanStd;
  if (cell.n == 0) return pair ? "\\multicolumn{2}{c}{---}" : "---";
  const double value = column.shown == Shown::kTotal ? cell.total : cell.mean;
  const std::string shown = LatexAlignedNumber(Fixed(value, column.precision), cell.bold);
  if (!pair) return shown;
  if (std::isnan(cell.std)) {
    return absl::StrCat("\\multicolumn{1}{r@{\\enspace\\phantom{$\\pm$}\\enspace}}{", shown,
                        "} & ");
  }
  return absl::StrCat(shown, " & ",
                      LatexAlignedNumber(Fixed(cell.std, column.precision), cell.bold));
}

// The paired difference (r) and its interval (l).
std::string LatexDifferenceCells(const Row& row) {
  if (row.baseline) return "\\multicolumn{2}{c}{---}";
  if (std::isnan(row.difference)) return "\\multicolumn{2}{c}{n/a}";
  if (std::isnan(row.difference_low)) {
    return absl::StrFormat("$%+.4f$ & (one patient)", row.difference);
  }
  return absl::StrFormat("$%+.4f$ & $[%+.4f, %+.4f]$", row.difference, row.difference_low,
                         row.difference_high);
}

std::string LatexPValueCells(const Row& row, double p) {
  if (row.baseline) return "\\multicolumn{2}{c}{---}";
  return std::isnan(p) ? "\\multicolumn{2}{c}{n/a}" : LatexPointAlignedCells(FormatP(p));
}

}  // namespace

std::string RenderLatex(const Report& report, const Table& table) {
  std::string out;
  for (const std::string& line : ContextLines(report.context, table.name)) {
    absl::StrAppend(&out, "% ", line, "\n");
  }
  absl::StrAppend(&out, "% ", OneLine(table.note), "\n");
  absl::StrAppend(&out, "% Needs \\usepackage{booktabs}.\n");
  const bool tested = !table.baseline.empty();
  absl::StrAppend(&out, "\\begin{tabular}{lr", table.budget_column ? "r" : "");
  for (const Column& c : table.columns) {
    absl::StrAppend(&out, c.shown == Shown::kMeanStd ? kLatexMeanStd : "r");
  }
  absl::StrAppend(&out, tested ? "rlr@{}lr@{}l" : "", "}\n\\toprule\n");
  absl::StrAppend(&out, "Model & $n$", table.budget_column ? " & Epochs" : "");
  for (const Column& c : table.columns) {
    absl::StrAppend(&out, " & ",
                    c.shown == Shown::kMeanStd
                        ? absl::StrCat("\\multicolumn{2}{c}{", LatexEscape(c.title), "}")
                        : LatexEscape(c.title));
  }
  if (tested) {
    absl::StrAppend(&out, " & \\multicolumn{2}{c}{$\\Delta$ vs ", LatexEscape(table.baseline),
                    " [95\\% CI]} & \\multicolumn{2}{c}{$p$} & \\multicolumn{2}{c}{$p$ (Holm)}");
  }
  absl::StrAppend(&out, " \\\\\n\\midrule\n");
  for (const Row& row : table.rows) {
    absl::StrAppend(&out, LatexEscape(row.label), " & ", SeedCount(row));
    if (table.budget_column) absl::StrAppend(&out, " & ", row.budget.Shown());
    for (size_t c = 0; c < table.columns.size(); ++c) {
      absl::StrAppend(&out, " & ", LatexCells(table.columns[c], row.cells[c]));
    }
    if (tested) {
      absl::StrAppend(&out, " & ", LatexDifferenceCells(row), " & ",
                      LatexPValueCells(row, row.p_value), " & ", LatexPValueCells(row, row.p_holm));
    }
    absl::StrAppend(&out, " \\\\\n");
  }
  absl::StrAppend(&out, "\\bottomrule\n\\end{tabular}\n");
  if (!report.context.failed.empty()) {
    absl::StrAppend(&out, "% Failed trials:\n");
    for (const FailedTrial& f : report.context.failed) {
      absl::StrAppend(&out, "% - ", FailedLine(f), "\n");
    }
  }
  return out;
}

}  // namespace nerve_mtl::reports
