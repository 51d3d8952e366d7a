#include "reports/tables_json.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/table_text.h"

namespace nerve_mtl::reports {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (ch < 0x20) {
          out += absl::StrFormat("\\u%04x", ch);
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double value) { return std::isfinite(value) ? Exact(value) : "null"; }

std::string JsonStrings(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& v : values) quoted.push_back(JsonString(v));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

std::string JsonNumbers(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (double v : values) parts.push_back(JsonNumber(v));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

const char* BetterName(Better better) {
  switch (better) {
    case Better::kHigher:
      return "higher";
    case Better::kLower:
      return "lower";
    case Better::kNone:
      break;
  }
  return "none";
}

const char* ShownName(Shown shown) {
  switch (shown) {
    case Shown::kMean:
      return "mean";
    case Shown::kTotal:
      return "total";
    case Shown::kMeanStd:
      break;
  }
  return "mean_std";
}

std::string JsonTable(const Table& table) {
  std::string out = "    {\n";
  absl::StrAppend(&out, "      \"name\": ", JsonString(table.name), ",\n");
  absl::StrAppend(&out, "      \"title\": ", JsonString(table.title), ",\n");
  absl::StrAppend(&out, "      \"note\": ", JsonString(table.note), ",\n");
  absl::StrAppend(&out, "      \"baseline\": ",
                  table.baseline.empty() ? "null" : JsonString(table.baseline), ",\n");
  absl::StrAppend(&out, "      \"budget_column\": ", table.budget_column ? "true" : "false", ",\n");
  absl::StrAppend(&out, "      \"columns\": [");
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const Column& col = table.columns[c];
    absl::StrAppend(&out, c == 0 ? "\n" : ",\n", "        {\"key\": ", JsonString(col.key),
                    ", \"title\": ", JsonString(col.title), ", \"precision\": ", col.precision,
                    ", \"better\": \"", BetterName(col.better), "\", \"shown\": \"",
                    ShownName(col.shown), "\", \"checked\": ", col.checked ? "true" : "false", "}");
  }
  absl::StrAppend(&out, table.columns.empty() ? "],\n" : "\n      ],\n");
  absl::StrAppend(&out, "      \"rows\": [");
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const Row& row = table.rows[r];
    absl::StrAppend(&out, r == 0 ? "\n" : ",\n", "        {\n");
    absl::StrAppend(&out, "          \"label\": ", JsonString(row.label), ",\n");
    absl::StrAppend(&out, "          \"seeds\": [", absl::StrJoin(row.seeds, ", "), "],\n");
    absl::StrAppend(&out, "          \"failed\": ", row.failed, ",\n");
    absl::StrAppend(&out, "          \"baseline\": ", row.baseline ? "true" : "false", ",\n");
    absl::StrAppend(&out, "          \"p_value\": ", JsonNumber(row.p_value), ",\n");
    absl::StrAppend(&out, "          \"p_holm\": ", JsonNumber(row.p_holm), ",\n");
    absl::StrAppend(&out, "          \"paired_images\": ", row.paired_images, ",\n");
    absl::StrAppend(&out, "          \"paired_patients\": ", row.paired_patients, ",\n");
    absl::StrAppend(&out, "          \"difference\": [", JsonNumber(row.difference), ", ",
                    JsonNumber(row.difference_low), ", ", JsonNumber(row.difference_high), "],\n");
    if (table.budget_column) {
      absl::StrAppend(&out, "          \"epoch_budget\": {\"pretrain\": ", row.budget.pretrain,
                      ", \"epochs\": ", row.budget.epochs, ", \"total\": ", row.budget.Total(),
                      ", \"shown\": ", JsonString(row.budget.Shown()), "},\n");
    }
    absl::StrAppend(&out, "          \"metrics\": {");
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Cell& cell = row.cells[c];
      absl::StrAppend(&out, c == 0 ? "\n" : ",\n", "            ", JsonString(table.columns[c].key),
                      ": {\"mean\": ", JsonNumber(cell.mean), ", \"std\": ", JsonNumber(cell.std),
                      ", \"n\": ", cell.n, ", \"total\": ", JsonNumber(cell.total),
                      ", \"bold\": ", cell.bold ? "true" : "false",
                      ", \"values\": ", JsonNumbers(cell.values), "}");
    }
    absl::StrAppend(&out, table.columns.empty() ? "}\n" : "\n          }\n", "        }");
  }
  absl::StrAppend(&out, table.rows.empty() ? "]\n" : "\n      ]\n", "    }");
  return out;
}

}  // namespace

std::string RenderJson(const Report& report) {
  const Context& c = report.context;
  std::string out = "{\n  \"context\": {\n";
  absl::StrAppend(&out, "    \"git_revision\": ", JsonStrings(c.git_revisions), ",\n");
  absl::StrAppend(&out, "    \"libtorch_version\": ", JsonStrings(c.libtorch_versions), ",\n");
  absl::StrAppend(&out, "    \"cpu\": ", JsonStrings(c.cpus), ",\n");
  absl::StrAppend(&out, "    \"threads\": [", absl::StrJoin(c.threads, ", "), "],\n");
  if (SideBySide(c)) absl::StrAppend(&out, "    \"jobs\": [", absl::StrJoin(c.jobs, ", "), "],\n");
  absl::StrAppend(&out, "    \"device\": ", JsonStrings(c.devices), ",\n");
  absl::StrAppend(&out, "    \"seeds\": [", absl::StrJoin(c.seeds, ", "), "],\n");
  absl::StrAppend(&out, "    \"trials\": ", c.trials, ",\n");
  absl::StrAppend(&out, "    \"failed\": ", c.failed.size(), ",\n");
  absl::StrAppend(&out, "    \"total_train_seconds\": ", JsonNumber(c.total_train_seconds), "\n");
  absl::StrAppend(&out, "  },\n  \"tables\": [");
  for (size_t t = 0; t < report.tables.size(); ++t) {
    absl::StrAppend(&out, t == 0 ? "\n" : ",\n", JsonTable(report.tables[t]));
  }
  absl::StrAppend(&out, report.tables.empty() ? "],\n" : "\n  ],\n");
  for (const Section& section : report.sections) {
    absl::StrAppend(&out, "  ", JsonString(section.json_key), ": ", section.json, ",\n");
  }
  absl::StrAppend(&out, "  \"failed_trials\": [");
  for (size_t i = 0; i < c.failed.size(); ++i) {
    const FailedTrial& f = c.failed[i];
    absl::StrAppend(&out, i == 0 ? "\n" : ",\n", "    {\"label\": ", JsonString(f.label),
                    ", \"seed\": ", f.seed, ", \"trial_id\": ", JsonString(f.trial_id),
                    ", \"reason\": ", JsonString(f.reason), "}");
  }
  absl::StrAppend(&out, c.failed.empty() ? "]\n" : "\n  ]\n", "}\n");
  return out;
}

std::string JsonText(const std::string& s) { return JsonString(s); }

}  // namespace nerve_mtl::reports
