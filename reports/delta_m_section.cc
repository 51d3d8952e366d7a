#include "reports/delta_m_section.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/tables_json.h"
#include "reports/tables_markdown.h"
#include "stats/delta_m.h"

namespace nerve_mtl::reports {
namespace {

const Table* FindTable(const Report& report, const std::string& name) {
  for (const Table& t : report.tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// Per row label, the mean of the column `key`; rows where it is missing are left out.
std::map<std::string, double> ColumnMeans(const Table& table, const std::string& key) {
  std::map<std::string, double> means;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].key != key) continue;
    for (const Row& row : table.rows) {
      if (!std::isnan(row.cells[c].mean)) means[row.label] = row.cells[c].mean;
    }
  }
  return means;
}

std::string JsonNumberOrNull(double x) {
  return std::isfinite(x) ? absl::StrFormat("%.17g", x) : "null";
}

}  // namespace

Section DeltaMSection(const Report& report) {
  Section section;
  section.title = "Multitask summary";
  section.json_key = "multitask_summary";
  const Table* seg = FindTable(report, "segmentation");
  const Table* cls = FindTable(report, "classification");
  if (seg == nullptr || cls == nullptr || seg->baseline.empty() || cls->baseline.empty()) {
    section.markdown = "No Δm: the study needs both single-task baselines.\n";
    section.json = "[]";
    return section;
  }
  const std::map<std::string, double> dice = ColumnMeans(*seg, "test_dice");
  const std::map<std::string, double> accuracy = ColumnMeans(*cls, "test_accuracy");
  const auto base_dice = dice.find(seg->baseline);
  const auto base_accuracy = accuracy.find(cls->baseline);
  std::vector<std::string> lines, json;
  for (const Row& row : seg->rows) {  // Rows in report order.
    const auto d = dice.find(row.label);
    const auto a = accuracy.find(row.label);
    if (d == dice.end() || a == accuracy.end() || base_dice == dice.end() ||
        base_accuracy == accuracy.end()) {
      continue;
    }
    const absl::StatusOr<double> delta_m =
        stats::DeltaM({d->second, base_dice->second}, {a->second, base_accuracy->second});
    const double value = delta_m.ok() ? *delta_m : NAN;
    lines.push_back(absl::StrFormat("| %s | %.4f | %.4f | %s |", MarkdownText(row.label),
                                    d->second, a->second,
                                    delta_m.ok() ? absl::StrFormat("%+.2f", value) : "n/a"));
    json.push_back(absl::StrCat("    {\"label\": ", JsonText(row.label),
                                ", \"dice\": ", JsonNumberOrNull(d->second),
                                ", \"accuracy\": ", JsonNumberOrNull(a->second),
                                ", \"delta_m_percent\": ", JsonNumberOrNull(value), "}"));
  }
  const std::string definition = absl::StrCat(
      "Δm = ½·[(Dice − Dice of ", seg->baseline, ") / Dice of ", seg->baseline,
      " + (accuracy − accuracy of ", cls->baseline, ") / accuracy of ", cls->baseline,
      "] · 100%, from the means over seeds (Maninis et al. 2019); above 0, the row does better "
      "than the two single-task networks on average.\n\n");
  if (lines.empty()) {
    section.markdown = absl::StrCat(definition, "No row has both tasks.\n");
    section.json = "[]";
    return section;
  }
  section.markdown = absl::StrCat(definition, "| Model | Dice | Accuracy | Δm (%) |\n",
                                  "|:---|---:|---:|---:|\n", absl::StrJoin(lines, "\n"), "\n");
  section.json = absl::StrCat("[\n", absl::StrJoin(json, ",\n"), "\n  ]");
  return section;
}

}  // namespace nerve_mtl::reports
