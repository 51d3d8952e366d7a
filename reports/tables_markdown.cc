#include "reports/tables_markdown.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "reports/table_text.h"

namespace nerve_mtl::reports {
namespace {

// A cell as Markdown shows it, without bold; `pm` is the plus-minus sign and `none`
// the mark of a missing value in the target syntax.
std::string ShownValue(const Column& column, const Cell& cell, const char* pm, const char* none) {
  if (cell.n == 0) return none;
  switch (column.shown) {
    case Shown::kTotal:
      return Fixed(cell.total, column.precision);
    case Shown::kMean:
      return Fixed(cell.mean, column.precision);
    case Shown::kMeanStd:
      if (std::isnan(cell.std)) return Fixed(cell.mean, column.precision);
      return absl::StrCat(Fixed(cell.mean, column.precision), pm,
                          Fixed(cell.std, column.precision));
  }
  return none;
}

std::string ShownP(const Row& row, double p, const char* none,
                   std::string (*format)(double) = FormatP) {
  if (row.baseline) return none;
  return std::isnan(p) ? "n/a" : format(p);
}

// "+0.0123 [-0.0040, +0.0290]": the mean paired difference and its interval.
std::string ShownDifference(const Row& row, const char* none) {
  if (row.baseline) return none;
  if (std::isnan(row.difference)) return "n/a";
  if (std::isnan(row.difference_low)) {
    return absl::StrFormat("%+.4f (one patient)", row.difference);
  }
  return absl::StrFormat("%+.4f [%+.4f, %+.4f]", row.difference, row.difference_low,
                         row.difference_high);
}

std::string MarkdownEscape(const std::string& s) {
  return absl::StrReplaceAll(OneLine(s), {{"|", "\\|"}});
}

std::string MarkdownComment(const Report& report, const std::string& what) {
  std::string out = "<!--\n";
  for (const std::string& line : ContextLines(report.context, what)) {
    absl::StrAppend(&out, absl::StrReplaceAll(line, {{"-->", "-- >"}}), "\n");
  }
  absl::StrAppend(&out, "-->\n");
  return out;
}

std::string MarkdownBody(const Table& table, const std::string& heading) {
  std::string out = absl::StrCat(heading, " ", table.title, "\n\n", table.note, "\n\n");
  if (table.rows.empty()) return absl::StrCat(out, "No results.\n");
  const bool tested = !table.baseline.empty();
  absl::StrAppend(&out, "| Model | n |", table.budget_column ? " Epochs |" : "");
  for (const Column& c : table.columns) absl::StrAppend(&out, " ", c.title, " |");
  if (tested) {
    absl::StrAppend(&out, " images | Δ vs ", MarkdownEscape(table.baseline),
                    " [95% CI] | p | p (Holm) |");
  }
  absl::StrAppend(&out, "\n|:---|---:|", table.budget_column ? "---:|" : "");
  for (size_t c = 0; c < table.columns.size(); ++c) absl::StrAppend(&out, "---:|");
  if (tested) absl::StrAppend(&out, "---:|---:|---:|---:|");
  absl::StrAppend(&out, "\n");
  for (const Row& row : table.rows) {
    absl::StrAppend(&out, "| ", MarkdownEscape(row.label), " | ", SeedCount(row), " |");
    if (table.budget_column) absl::StrAppend(&out, " ", row.budget.Shown(), " |");
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Cell& cell = row.cells[c];
      const std::string value = ShownValue(table.columns[c], cell, " ± ", "—");
      absl::StrAppend(&out, " ", cell.bold ? absl::StrCat("**", value, "**") : value, " |");
    }
    if (tested) {
      absl::StrAppend(&out, " ", row.paired_images > 0 ? absl::StrCat(row.paired_images) : "—",
                      " | ", ShownDifference(row, "—"), " | ", ShownP(row, row.p_value, "—"), " | ",
                      ShownP(row, row.p_holm, "—"), " |");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string MarkdownFailures(const Context& context, const std::string& heading) {
  std::string out = absl::StrCat(heading, " Failed trials\n\n");
  if (context.failed.empty()) return absl::StrCat(out, "None.\n");
  for (const FailedTrial& f : context.failed) {
    absl::StrAppend(&out, "- ", MarkdownEscape(FailedLine(f)), "\n");
  }
  return out;
}

}  // namespace

std::string RenderMarkdown(const Report& report, const Table& table) {
  return absl::StrCat(MarkdownComment(report, table.name), "\n", MarkdownBody(table, "#"), "\n",
                      MarkdownFailures(report.context, "##"));
}

std::string RenderMarkdownReport(const Report& report) {
  std::string out = absl::StrCat(MarkdownComment(report, "all tables"),
                                 "\n# nerve-mtl study report\n\n## Context\n\n");
  const std::vector<std::string> lines = ContextLines(report.context, "");
  for (size_t i = 1; i < lines.size(); ++i)
    absl::StrAppend(&out, "- ", MarkdownEscape(lines[i]), "\n");
  auto sections = [&](bool before_tables) {
    for (const Section& section : report.sections) {
      if (section.before_tables != before_tables) continue;
      absl::StrAppend(&out, "\n## ", OneLine(section.title), "\n\n", section.markdown);
    }
  };
  sections(true);
  for (const Table& table : report.tables) absl::StrAppend(&out, "\n", MarkdownBody(table, "##"));
  sections(false);
  absl::StrAppend(&out, "\n", MarkdownFailures(report.context, "##"));
  return out;
}

std::string MarkdownText(const std::string& s) { return MarkdownEscape(s); }

}  // namespace nerve_mtl::reports
