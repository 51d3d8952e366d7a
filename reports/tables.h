#ifndef NERVE_MTL_REPORTS_TABLES_H_
#define NERVE_MTL_REPORTS_TABLES_H_

// The study's tables, computed from trial results alone; tables_markdown.h, tables_latex.h,
// tables_csv.h and tables_json.h render them. Rows are row labels (Experiment.name) aggregated
// over seeds. Every rendering is byte-deterministic: the same results give the same bytes.

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reports/budget.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Which way a column improves; the best row of a column is shown bold.
enum class Better { kNone, kHigher, kLower };

// How a column's cells are shown in Markdown and LaTeX.
enum class Shown { kMeanStd, kMean, kTotal };

// A metric of one trial, NaN when the trial lacks it.
using Metric = std::function<double(const study::Result&)>;

struct Column {
  std::string key;    // Name in CSV and JSON, e.g. "test_dice".
  std::string title;  // Name in Markdown and LaTeX, e.g. "Dice".
  int precision = 4;  // Decimals shown in Markdown and LaTeX.
  Better better = Better::kNone;
  Shown shown = Shown::kMeanStd;
  // Compared by CompareWithCommitted; timings are not, since they differ between runs of the
  // same code.
  bool checked = true;
  // What the column's cells aggregate; kept beside its header and formatting so that the three
  // cannot fall out of step.
  Metric metric;
};

// One metric of one row, over that row's successful seeds.
struct Cell {
  // Aligned with Row::seeds; NaN where a trial lacks the value (e.g. HD95 undefined).
  std::vector<double> values;
  int n = 0;               // Finite values.
  double mean = kMissing;  // NaN when n == 0.
  double std = kMissing;   // Sample standard deviation (n - 1); NaN when n < 2.
  double total = 0;        // Sum of the finite values.
  bool bold = false;       // Best shown value of its column (ties all bold).
};

struct Row {
  std::string label;
  std::vector<uint64_t> seeds;  // Of the successful trials, ascending.
  int failed = 0;               // Failed trials of this label (listed in Context::failed).
  std::vector<Cell> cells;      // One per Table::columns.
  bool baseline = false;        // The row the paired test compares against.
  // Against the baseline (reports/paired.h); NaN when not compared. The two-sided Wilcoxon
  // signed-rank p-value, and after Holm's correction over the table's compared rows.
  double p_value = kMissing;
  double p_holm = kMissing;
  int paired_images = 0;    // Test images both rows have per-image values for.
  int paired_patients = 0;  // Their patients; 0 when results lack them (no interval then).
  // Mean per-image difference (this row minus the baseline) and its 95% bootstrap interval.
  double difference = kMissing;
  double difference_low = kMissing;
  double difference_high = kMissing;
  EpochBudget budget;  // Of the row's first successful trial (its seeds share the spec).
};

struct Table {
  std::string name;   // File stem: "segmentation", "classification", ...
  std::string title;  // Heading.
  std::string note;   // One sentence saying what the numbers are.
  std::vector<Column> columns;
  std::vector<Row> rows;
  // Label of the baseline row; empty when the table has no paired test.
  std::string baseline;
  // Shows each row's epoch budget ("Epochs") after n.
  bool budget_column = false;
};

struct FailedTrial {
  std::string label;
  uint64_t seed = 0;
  std::string trial_id;
  std::string reason;
};

// What every rendering starts with. Distinct values, sorted; empty fields are left out.
struct Context {
  std::vector<std::string> git_revisions;
  std::vector<std::string> libtorch_versions;
  std::vector<std::string> cpus;
  std::vector<int> threads;  // Of the process that trained each trial: threads per trial.
  // Trials side by side (--jobs, 1 when a result records none); only shown when one is above 1,
  // and then only beside the wall times, since the bits depend on the threads alone.
  std::vector<int> jobs;
  std::vector<std::string> devices;
  std::vector<uint64_t> seeds;
  int trials = 0;
  double total_train_seconds = 0;  // Sum of train_seconds over all trials.
  std::vector<FailedTrial> failed;
};

// A section of the whole report beside the tables, built by another component (the protocol,
// the deviations from the original) and only placed by RenderMarkdownReport and RenderJson.
struct Section {
  std::string title;     // Level-2 heading in report.md.
  std::string markdown;  // Body; its own headings are level 3.
  std::string json_key;  // Key in report.json.
  std::string json;      // Value in report.json, written to sit at the top level's indentation.
  bool before_tables = false;
};

struct Report {
  Context context;
  // Segmentation, classification, misclassification, cost; a table no row belongs to has no
  // rows but is still present.
  std::vector<Table> tables;
  std::vector<Section> sections;
};

struct ReportOptions {
  // Row labels in the wanted order; labels not in it follow, sorted. Unknown labels are ignored.
  std::vector<std::string> order;
  // Paired tests against each table's baseline: the first row in row order of a single-task
  // network of the table's task (the segmentation-only network in the segmentation table, the
  // classification-only one in the classification table).
  bool paired_tests = true;
};

// The distinct row labels of `results` in report order (see ReportOptions::order).
std::vector<std::string> OrderLabels(const std::vector<study::Result>& results,
                                     const std::vector<std::string>& order);

// Builds the four tables. Errors: inconsistent per-image lists in a result (naming the trial).
absl::StatusOr<Report> BuildReport(const std::vector<study::Result>& results,
                                   const ReportOptions& options = {});

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_TABLES_H_
