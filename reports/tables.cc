#include "reports/tables.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "reports/latex_format.h"
#include "reports/paired.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

// What the paired columns are, after each table's note on its p.
std::string PairedNote() {
  return absl::StrFormat(
      ", pooled over folds and seeds; images: the distinct test images compared; p (Holm): "
      "corrected over the table's comparisons; "
      "Δ: mean per-image difference to it with a 95%% bootstrap interval resampling patients "
      "(%d resamples, seed %d).",
      kBootstrapResamples, kBootstrapSeed);
}

// Returns a metric of one trial, NaN when the trial lacks it.
using Metric = std::function<double(const Result&)>;

struct Group {
  std::vector<const Result*> ok;  // By seed, then trial id.
  std::vector<const Result*> failed;
};

bool Segments(const Result& r) {
  return r.test().has_has_segmentation() ? r.test().has_segmentation() : r.test().has_dice();
}

bool Classifies(const Result& r) {
  return r.test().has_has_classification() ? r.test().has_classification()
                                           : r.test().has_accuracy();
}

// A proto2 optional field's value, NaN when unset: an unset metric must not read as 0.
double Get(bool has, double value) { return has ? value : kMissing; }

bool ByTrialOrder(const Result* a, const Result* b) {
  return std::make_tuple(a->experiment().seed(), a->trial_id()) <
         std::make_tuple(b->experiment().seed(), b->trial_id());
}

Cell MakeCell(const std::vector<const Result*>& trials, const Metric& metric) {
  Cell cell;
  double sum = 0;
  for (const Result* r : trials) {
    const double v = metric(*r);
    cell.values.push_back(v);
    if (!std::isfinite(v)) continue;
    ++cell.n;
    sum += v;
  }
  cell.total = sum;
  if (cell.n == 0) return cell;
  cell.mean = sum / cell.n;
  if (cell.n < 2) return cell;
  double squares = 0;
  for (double v : cell.values) {
    if (std::isfinite(v)) squares += (v - cell.mean) * (v - cell.mean);
  }
  cell.std = std::sqrt(squares / (cell.n - 1));
  return cell;
}

// Bold goes by the shown (rounded) value, so two cells that read the same are both bold. One
// row alone is not "best" of anything.
void MarkBest(Table* table) {
  for (size_t c = 0; c < table->columns.size(); ++c) {
    const Column& column = table->columns[c];
    if (column.better == Better::kNone) continue;
    const double scale = std::pow(10.0, column.precision);
    std::vector<std::pair<double, Cell*>> shown;
    for (Row& row : table->rows) {
      Cell& cell = row.cells[c];
      if (cell.n > 0) shown.emplace_back(std::round(cell.mean * scale), &cell);
    }
    if (shown.size() < 2) continue;
    double best = shown[0].first;
    for (const auto& [value, cell] : shown) {
      best = column.better == Better::kHigher ? std::max(best, value) : std::min(best, value);
    }
    for (auto& [value, cell] : shown) cell->bold = value == best;
  }
}

Table MakeTable(std::string name, std::string title, std::vector<Column> columns,
                const std::vector<Metric>& metrics, const std::vector<std::string>& labels,
                const std::map<std::string, Group>& groups,
                const std::function<bool(const Result&)>& belongs) {
  Table table;
  table.name = std::move(name);
  table.title = std::move(title);
  table.columns = std::move(columns);
  for (const std::string& label : labels) {
    const Group& group = groups.at(label);
    if (group.ok.empty() || !std::any_of(group.ok.begin(), group.ok.end(),
                                         [&](const Result* r) { return belongs(*r); })) {
      continue;
    }
    Row row;
    row.label = label;
    row.failed = static_cast<int>(group.failed.size());
    for (const Result* r : group.ok) row.seeds.push_back(r->experiment().seed());
    row.budget = BudgetOf(group.ok.front()->experiment());
    for (const Metric& metric : metrics) row.cells.push_back(MakeCell(group.ok, metric));
    table.rows.push_back(std::move(row));
  }
  MarkBest(&table);
  return table;
}

template <typename T>
void AddDistinct(const T& value, std::vector<T>* values) {
  if (std::find(values->begin(), values->end(), value) == values->end()) values->push_back(value);
}

Context MakeContext(const std::vector<Result>& results, const std::vector<std::string>& labels,
                    const std::map<std::string, Group>& groups) {
  Context context;
  context.trials = static_cast<int>(results.size());
  for (const Result& r : results) {
    const study::Environment& e = r.environment();
    if (!e.git_revision().empty()) AddDistinct(e.git_revision(), &context.git_revisions);
    if (!e.libtorch_version().empty()) {
      AddDistinct(e.libtorch_version(), &context.libtorch_versions);
    }
    if (!e.cpu().empty()) AddDistinct(e.cpu(), &context.cpus);
    if (e.has_threads()) AddDistinct(e.threads(), &context.threads);
    if (r.has_environment()) AddDistinct(e.has_jobs() ? e.jobs() : 1, &context.jobs);
    if (!e.device().empty()) AddDistinct(e.device(), &context.devices);
    AddDistinct(r.experiment().seed(), &context.seeds);
    context.total_train_seconds += r.train_seconds();
  }
  std::sort(context.git_revisions.begin(), context.git_revisions.end());
  std::sort(context.libtorch_versions.begin(), context.libtorch_versions.end());
  std::sort(context.cpus.begin(), context.cpus.end());
  std::sort(context.threads.begin(), context.threads.end());
  std::sort(context.jobs.begin(), context.jobs.end());
  std::sort(context.devices.begin(), context.devices.end());
  std::sort(context.seeds.begin(), context.seeds.end());
  for (const std::string& label : labels) {
    for (const Result* r : groups.at(label).failed) {
      FailedTrial failed;
      failed.label = label;
      failed.seed = r->experiment().seed();
      failed.trial_id = r->trial_id();
      failed.reason =
          r->failure().empty()
              ? absl::StrCat("status ", Result::Status_Name(r->status()), " without a reason")
              : r->failure();
      context.failed.push_back(std::move(failed));
    }
  }
  return context;
}

// ---- Formatting shared by the renderers. ----

// Results come from files; a stray newline must not break a one-line field or a comment.
std::string OneLine(const std::string& s) {
  return absl::StrReplaceAll(s, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

std::string Fixed(double value, int precision) { return absl::StrFormat("%.*f", precision, value); }

std::string FormatP(double p) { return absl::StrFormat("%.3g", p); }

// Shortest text that reads back as the same double; "" for NaN and infinities.
std::string Exact(double value) {
  if (!std::isfinite(value)) return "";
  char buffer[64];
  const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end.ptr);
}

std::string Values(const std::vector<std::string>& values) {
  return values.empty() ? "unknown" : absl::StrJoin(values, ", ");
}

template <typename T>
std::string Numbers(const std::vector<T>& values) {
  return values.empty() ? "unknown" : absl::StrJoin(values, ", ");
}

// Whether some trial ran beside others (--jobs): only then do the jobs appear in the context.
bool SideBySide(const Context& c) {
  return std::any_of(c.jobs.begin(), c.jobs.end(), [](int jobs) { return jobs > 1; });
}

// "key: value" lines that every rendering starts with, in its own comment syntax. Wall time
// changes with every run, so only the whole report and the cost table carry it: the metric
// tables of two runs of one study are byte-identical.
std::vector<std::string> ContextLines(const Context& c, const std::string& what) {
  std::vector<std::string> lines = {
      absl::StrCat("nerve-mtl study report: ", what),
      absl::StrCat("git revision: ", OneLine(Values(c.git_revisions))),
      absl::StrCat("LibTorch: ", OneLine(Values(c.libtorch_versions))),
      absl::StrCat("CPU: ", OneLine(Values(c.cpus))),
      absl::StrCat("threads: ", Numbers(c.threads)),
      absl::StrCat("device: ", OneLine(Values(c.devices))),
      absl::StrCat("seeds: ", Numbers(c.seeds)),
      absl::StrCat("trials: ", c.trials, " (", c.failed.size(), " failed)"),
  };
  if (what.empty() || what == "cost") {
    // Trials side by side share the cores, which shows in the times but not in the metrics: a
    // metric table of `--jobs=2 --threads=2` equals that of `--threads=1` byte for byte.
    if (SideBySide(c)) {
      lines.push_back(absl::StrCat("jobs: ", Numbers(c.jobs),
                                   " (trials side by side, each with the threads above)"));
    }
    lines.push_back(absl::StrFormat("total train time: %.1f s", c.total_train_seconds));
  }
  return lines;
}

std::string FailedLine(const FailedTrial& f) {
  return absl::StrCat(OneLine(f.label), ", seed ", f.seed, " (trial ", OneLine(f.trial_id),
                      "): ", OneLine(f.reason));
}

std::string SeedCount(const Row& row) {
  return row.failed == 0 ? absl::StrCat(row.seeds.size())
                         : absl::StrCat(row.seeds.size(), " (", row.failed, " failed)");
}

// A cell as Markdown and LaTeX show it, without bold; `pm` is the plus-minus sign and `none`
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

// ---- Markdown ----

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
                      " | ", ShownDifference(row, "—"), " | ", ShownP(row, row.p_value, "—"),
                      " | ", ShownP(row, row.p_holm, "—"), " |");
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

// ---- LaTeX ----

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

// ---- CSV ----

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

// ---- JSON ----

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

std::vector<std::string> OrderLabels(const std::vector<Result>& results,
                                     const std::vector<std::string>& order) {
  std::set<std::string> present;
  for (const Result& r : results) present.insert(r.experiment().name());
  std::vector<std::string> labels;
  std::set<std::string> placed;
  for (const std::string& label : order) {
    if (present.count(label) > 0 && placed.insert(label).second) labels.push_back(label);
  }
  for (const std::string& label : present) {
    if (placed.count(label) == 0) labels.push_back(label);
  }
  return labels;
}

// What a row's trials replicate: "seeds", or "folds and seeds" when the trials of a row differ in
// their data split (cross-validation, study.proto's pooled axes).
std::string Replicates(const std::map<std::string, Group>& groups) {
  for (const auto& [label, group] : groups) {
    std::set<std::string> splits;
    for (const Result* r : group.ok) splits.insert(r->experiment().data().split().SerializeAsString());
    if (splits.size() > 1) return "folds and seeds";
  }
  return "seeds";
}

absl::StatusOr<Report> BuildReport(const std::vector<Result>& results,
                                   const ReportOptions& options) {
  const std::vector<std::string> labels = OrderLabels(results, options.order);
  std::map<std::string, Group> groups;
  for (const Result& r : results) {
    Group& group = groups[r.experiment().name()];
    (r.status() == Result::OK ? group.ok : group.failed).push_back(&r);
  }
  for (auto& [label, group] : groups) {
    std::sort(group.ok.begin(), group.ok.end(), ByTrialOrder);
    std::sort(group.failed.begin(), group.failed.end(), ByTrialOrder);
  }

  Report report;
  report.context = MakeContext(results, labels, groups);
  const std::string over = Replicates(groups);

  Table segmentation =
      MakeTable("segmentation", "Segmentation (test set)",
                {
                    {"test_dice", "Dice", 4, Better::kHigher, Shown::kMeanStd, true},
                    {"test_iou", "IoU", 4, Better::kHigher, Shown::kMeanStd, true},
                    {"test_hd95", "HD95 (px)", 2, Better::kLower, Shown::kMeanStd, true},
                },
                {
                    [](const Result& r) { return Get(r.test().has_dice(), r.test().dice()); },
                    [](const Result& r) { return Get(r.test().has_iou(), r.test().iou()); },
                    [](const Result& r) { return Get(r.test().has_hd95(), r.test().hd95()); },
                },
                labels, groups, Segments);
  const TrialsOf trials = [&](const std::string& label) -> const std::vector<const Result*>& {
    return groups.at(label).ok;
  };
  absl::Status s = AddPairedComparisons(trials, options.segmentation_baseline_model,
                                        PerImage::kDice, &segmentation);
  if (!s.ok()) return s;
  segmentation.note = absl::StrCat(
      "Test Dice, IoU and HD95 (pixels, lower is better; mean over the images where it is "
      "defined), mean ± std over ", over, ".",
      segmentation.baseline.empty()
          ? absl::StrCat(" No ", options.segmentation_baseline_model, " row: no paired test.")
          : absl::StrCat(" p: two-sided Wilcoxon signed-rank test of the per-image test Dice "
                         "(mean over seeds per image) against ",
                         segmentation.baseline, PairedNote()));

  Table classification = MakeTable(
      "classification", "Classification (test set)",
      {
          {"test_accuracy", "Accuracy", 4, Better::kHigher, Shown::kMeanStd, true},
          {"test_macro_f1", "Macro-F1", 4, Better::kHigher, Shown::kMeanStd, true},
      },
      {
          [](const Result& r) { return Get(r.test().has_accuracy(), r.test().accuracy()); },
          [](const Result& r) { return Get(r.test().has_macro_f1(), r.test().macro_f1()); },
      },
      labels, groups, Classifies);
  s = AddPairedComparisons(trials, options.classification_baseline_model, PerImage::kCorrect,
                           &classification);
  if (!s.ok()) return s;
  classification.note = absl::StrCat(
      "Test accuracy and macro-F1, mean ± std over ", over, ".",
      classification.baseline.empty()
          ? absl::StrCat(" No ", options.classification_baseline_model, " row: no paired test.")
          : absl::StrCat(" p: two-sided Wilcoxon signed-rank test of per-image correctness "
                         "(1 or 0, mean over seeds per image) against ",
                         classification.baseline, PairedNote()));

  Table misclassification = MakeTable(
      "misclassification", "Segmentation of correctly and wrongly classified images (test set)",
      {
          {"dice_correct", "Dice (correct)", 4, Better::kHigher, Shown::kMeanStd, true},
          {"n_correct", "images (correct)", 0, Better::kNone, Shown::kTotal, true},
          {"dice_wrong", "Dice (wrong)", 4, Better::kHigher, Shown::kMeanStd, true},
          {"n_wrong", "images (wrong)", 0, Better::kNone, Shown::kTotal, true},
      },
      {
          [](const Result& r) { return Get(r.test().has_dice_correct(), r.test().dice_correct()); },
          [](const Result& r) {
            return Get(r.test().has_n_correct(), static_cast<double>(r.test().n_correct()));
          },
          [](const Result& r) { return Get(r.test().has_dice_wrong(), r.test().dice_wrong()); },
          [](const Result& r) {
            return Get(r.test().has_n_wrong(), static_cast<double>(r.test().n_wrong()));
          },
      },
      labels, groups, [](const Result& r) { return Segments(r) && Classifies(r); });
  misclassification.note = absl::StrCat(
      "Test Dice on the images each model classified correctly and on those it misclassified, "
      "mean ± std over ", over, "; images: summed over trials.");

  Table cost = MakeTable(
      "cost", "Cost",
      {
          {"parameters", "parameters", 0, Better::kNone, Shown::kMean, true},
          {"train_seconds", "train time (s)", 1, Better::kNone, Shown::kMean, false},
          {"images_per_second", "images/s", 2, Better::kNone, Shown::kMean, false},
      },
      {
          [](const Result& r) {
            return Get(r.has_parameters(), static_cast<double>(r.parameters()));
          },
          [](const Result& r) { return Get(r.has_train_seconds(), r.train_seconds()); },
          [](const Result& r) { return Get(r.has_images_per_second(), r.images_per_second()); },
      },
      labels, groups, [](const Result&) { return true; });
  cost.note = absl::StrCat(
      "Trainable parameters, training time and training throughput, means over ", over, ".");

  segmentation.budget_column = classification.budget_column = cost.budget_column = true;
  report.tables = {std::move(segmentation), std::move(classification), std::move(misclassification),
                   std::move(cost)};
  return report;
}

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

// ---- LaTeX ----
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
    absl::StrAppend(&out, ",baseline,p_value,p_holm,paired_images,paired_patients,difference,"
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

std::string MarkdownText(const std::string& s) { return MarkdownEscape(s); }

std::string JsonText(const std::string& s) { return JsonString(s); }

}  // namespace nerve_mtl::reports
