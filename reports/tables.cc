#include "reports/tables.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
                const std::vector<std::string>& labels, const std::map<std::string, Group>& groups,
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
    row.budget = BudgetOf(*group.ok.front());
    for (const Column& column : table.columns) {
      row.cells.push_back(MakeCell(group.ok, column.metric));
    }
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

// What a row's trials replicate: "seeds", or "folds and seeds" when the trials of a row differ in
// their data split (cross-validation, study.proto's pooled axes).
std::string Replicates(const std::map<std::string, Group>& groups) {
  for (const auto& [label, group] : groups) {
    std::set<std::string> splits;
    for (const Result* r : group.ok)
      splits.insert(r->experiment().data().split().SerializeAsString());
    if (splits.size() > 1) return "folds and seeds";
  }
  return "seeds";
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
                    {"test_dice", "Dice", 4, Better::kHigher, Shown::kMeanStd, true,
                     [](const Result& r) { return Get(r.test().has_dice(), r.test().dice()); }},
                    {"test_iou", "IoU", 4, Better::kHigher, Shown::kMeanStd, true,
                     [](const Result& r) { return Get(r.test().has_iou(), r.test().iou()); }},
                    {"test_hd95", "HD95 (px)", 2, Better::kLower, Shown::kMeanStd, true,
                     [](const Result& r) { return Get(r.test().has_hd95(), r.test().hd95()); }},
                },
                labels, groups, Segments);
  const TrialsOf trials = [&](const std::string& label) -> const std::vector<const Result*>& {
    return groups.at(label).ok;
  };
  absl::Status s = AddPairedComparisons(
      trials,
      [&](const Result& r) {
        return options.paired_tests && r.components().segments() && !r.components().classifies();
      },
      PerImage::kDice, &segmentation);
  if (!s.ok()) return s;
  segmentation.note = absl::StrCat(
      "Test Dice, IoU and HD95 (pixels, lower is better; mean over the images where it is "
      "defined), mean ± std over ",
      over, ".",
      segmentation.baseline.empty()
          ? " No segmentation-only row: no paired test."
          : absl::StrCat(" p: two-sided Wilcoxon signed-rank test of the per-image test Dice "
                         "(mean over seeds per image) against ",
                         segmentation.baseline, PairedNote()));

  Table classification = MakeTable(
      "classification", "Classification (test set)",
      {
          {"test_accuracy", "Accuracy", 4, Better::kHigher, Shown::kMeanStd, true,
           [](const Result& r) { return Get(r.test().has_accuracy(), r.test().accuracy()); }},
          {"test_macro_f1", "Macro-F1", 4, Better::kHigher, Shown::kMeanStd, true,
           [](const Result& r) { return Get(r.test().has_macro_f1(), r.test().macro_f1()); }},
      },
      labels, groups, Classifies);
  s = AddPairedComparisons(
      trials,
      [&](const Result& r) {
        return options.paired_tests && r.components().classifies() && !r.components().segments();
      },
      PerImage::kCorrect, &classification);
  if (!s.ok()) return s;
  classification.note = absl::StrCat(
      "Test accuracy and macro-F1, mean ± std over ", over, ".",
      classification.baseline.empty()
          ? " No classification-only row: no paired test."
          : absl::StrCat(" p: two-sided Wilcoxon signed-rank test of per-image correctness "
                         "(1 or 0, mean over seeds per image) against ",
                         classification.baseline, PairedNote()));

  Table misclassification = MakeTable(
      "misclassification", "Segmentation of correctly and wrongly classified images (test set)",
      {
          {"dice_correct", "Dice (correct)", 4, Better::kHigher, Shown::kMeanStd, true,
           [](const Result& r) {
             return Get(r.test().has_dice_correct(), r.test().dice_correct());
           }},
          {"n_correct", "images (correct)", 0, Better::kNone, Shown::kTotal, true,
           [](const Result& r) {
             return Get(r.test().has_n_correct(), static_cast<double>(r.test().n_correct()));
           }},
          {"dice_wrong", "Dice (wrong)", 4, Better::kHigher, Shown::kMeanStd, true,
           [](const Result& r) { return Get(r.test().has_dice_wrong(), r.test().dice_wrong()); }},
          {"n_wrong", "images (wrong)", 0, Better::kNone, Shown::kTotal, true,
           [](const Result& r) {
             return Get(r.test().has_n_wrong(), static_cast<double>(r.test().n_wrong()));
           }},
      },
      labels, groups, [](const Result& r) { return Segments(r) && Classifies(r); });
  misclassification.note = absl::StrCat(
      "Test Dice on the images each model classified correctly and on those it misclassified, "
      "mean ± std over ",
      over, "; images: summed over trials.");

  Table cost = MakeTable(
      "cost", "Cost",
      {
          {"parameters", "parameters", 0, Better::kNone, Shown::kMean, true,
           [](const Result& r) {
             return Get(r.has_parameters(), static_cast<double>(r.parameters()));
           }},
          {"train_seconds", "train time (s)", 1, Better::kNone, Shown::kMean, false,
           [](const Result& r) { return Get(r.has_train_seconds(), r.train_seconds()); }},
          {"images_per_second", "images/s", 2, Better::kNone, Shown::kMean, false,
           [](const Result& r) { return Get(r.has_images_per_second(), r.images_per_second()); }},
      },
      labels, groups, [](const Result&) { return true; });
  cost.note = absl::StrCat(
      "Trainable parameters, training time and training throughput, means over ", over, ".");

  segmentation.budget_column = classification.budget_column = cost.budget_column = true;
  report.tables = {std::move(segmentation), std::move(classification), std::move(misclassification),
                   std::move(cost)};
  return report;
}

}  // namespace nerve_mtl::reports
