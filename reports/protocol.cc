#include "reports/protocol.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/budget.h"
#include "reports/row_specs.h"
#include "reports/tables_json.h"
#include "reports/tables_markdown.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;
using study::TrainingSpec;

std::string Number(double value) { return absl::StrFormat("%g", value); }

// Which tasks the row's model ran, from its test metrics; unknown for a trial that failed before
// testing.
struct Tasks {
  bool known = false;
  bool segments = false;
  bool classifies = false;
};

Tasks TasksOf(const Result& r) {
  Tasks tasks;
  if (r.status() != Result::OK) return tasks;
  tasks.known = true;
  // As the tables decide which rows they hold (reports/tables.cc).
  const study::SplitMetrics& test = r.test();
  tasks.segments = test.has_has_segmentation() ? test.has_segmentation() : test.has_dice();
  tasks.classifies =
      test.has_has_classification() ? test.has_classification() : test.has_accuracy();
  return tasks;
}

// The monitor as the trainer resolves it (study/trainer.cc, EffectiveMonitor): unspecified
// means Dice for a segmenting model, accuracy otherwise; a metric the model lacks falls back to
// the one it has.
std::string CheckpointRule(const Result& r) {
  const TrainingSpec& t = r.experiment().training();
  const Tasks tasks = TasksOf(r);
  std::string metric;
  if (!tasks.known) {
    metric = absl::StrCat("value of training.monitor ", study::MonitorMetric_Name(t.monitor()),
                          " (tasks unknown: no successful trial)");
  } else {
    study::MonitorMetric m = t.monitor();
    if (m == study::MONITOR_METRIC_UNSPECIFIED) {
      m = tasks.segments ? study::MONITOR_DICE : study::MONITOR_ACCURACY;
    }
    if (m == study::MONITOR_DICE && !tasks.segments) m = study::MONITOR_ACCURACY;
    if (m == study::MONITOR_ACCURACY && !tasks.classifies) m = study::MONITOR_DICE;
    metric = m == study::MONITOR_DICE       ? "Dice"
             : m == study::MONITOR_ACCURACY ? "accuracy"
                                            : "Dice + accuracy";
  }
  std::string rule = absl::StrCat("best validation ", metric);
  if (t.early_stopping_patience() > 0) {
    absl::StrAppend(&rule, ", stopping after ", t.early_stopping_patience(),
                    " epochs without a better one");
  }
  return rule;
}

std::string LearningRateRule(const Result& r) {
  const study::Experiment& e = r.experiment();
  const TrainingSpec& t = e.training();
  std::string rule =
      absl::StrCat(t.amsgrad() ? "Adam (amsgrad)" : "Adam", ", lr ", Number(t.learning_rate()),
                   ", weight decay ", Number(t.weight_decay()), ", StepLR x", Number(t.lr_gamma()),
                   " every ", t.lr_step_epochs(), " epochs");
  // Parameters with a rate of their own (the trial's recorded components).
  using Rate = study::Components::LearningRate;
  for (const Rate& rate : r.components().learning_rate()) {
    absl::StrAppend(&rule, "; ", rate.what(), " lr ");
    switch (rate.kind()) {
      case Rate::ABSOLUTE:
        absl::StrAppend(&rule, Number(rate.value()), " (absolute)");
        break;
      case Rate::MULTIPLE_OF_BASE:
        absl::StrAppend(&rule, Number(t.learning_rate()), " x ", Number(rate.value()));
        break;
      default:
        absl::StrAppend(&rule, Number(rate.value()));
    }
  }
  return rule;
}

void Add(const std::string& text, const std::string& label, std::vector<Rule>* rules) {
  auto it = std::find_if(rules->begin(), rules->end(),
                         [&](const Rule& rule) { return rule.text == text; });
  if (it == rules->end()) {
    rules->push_back({text, {label}});
  } else {
    it->rows.push_back(label);
  }
}

std::string Rows(const Rule& rule, size_t all) {
  return rule.rows.size() == all ? "every row" : absl::StrJoin(rule.rows, ", ");
}

size_t RowCount(const Protocol& p) {
  size_t n = 0;
  for (const Rule& rule : p.checkpoint) n += rule.rows.size();
  return n;
}

std::string MarkdownRules(const std::vector<Rule>& rules, size_t all) {
  std::string out;
  for (const Rule& rule : rules) {
    absl::StrAppend(&out, "  - ", MarkdownText(rule.text), ": ", MarkdownText(Rows(rule, all)),
                    "\n");
  }
  return out;
}

std::string JsonRows(const Rule& rule) {
  std::vector<std::string> quoted;
  for (const std::string& row : rule.rows) quoted.push_back(JsonText(row));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

std::string JsonRules(const std::vector<Rule>& rules) {
  std::vector<std::string> items;
  for (const Rule& rule : rules) {
    items.push_back(absl::StrCat("      {\"rule\": ", JsonText(rule.text),
                                 ", \"rows\": ", JsonRows(rule), "}"));
  }
  return items.empty() ? "[]" : absl::StrCat("[\n", absl::StrJoin(items, ",\n"), "\n    ]");
}

}  // namespace

Protocol DescribeProtocol(const std::vector<Result>& results,
                          const std::vector<std::string>& labels) {
  Protocol p;
  for (const RowSpec& row : RowSpecs(results, labels)) {
    Add(CheckpointRule(*row.trial), row.label, &p.checkpoint);
    Add(LearningRateRule(*row.trial), row.label, &p.learning_rate);
    const EpochBudget budget = BudgetOf(*row.trial);
    const size_t before = p.budget.size();
    Add(budget.Shown(), row.label, &p.budget);
    if (p.budget.size() > before) p.budget_totals.push_back(budget.Total());
  }
  for (int total : p.budget_totals) p.equal_budgets &= total == p.budget_totals.front();
  return p;
}

Section ProtocolSection(const Protocol& p) {
  const size_t all = RowCount(p);
  Section section;
  section.title = "Protocol";
  section.json_key = "protocol";
  section.before_tables = true;
  std::string& md = section.markdown;
  md = "Read from each row's resolved spec (`experiment.textproto` in its trial folders).\n\n";
  absl::StrAppend(&md,
                  "- **Reported checkpoint**: every row reports the test metrics of the weights "
                  "of its epoch with the best validation value of `training.monitor` (the first "
                  "such epoch on ties); the test set plays no part in the choice.\n",
                  MarkdownRules(p.checkpoint, all));
  absl::StrAppend(&md,
                  p.learning_rate.size() <= 1
                      ? "- **Learning rate**: one rule for every row.\n"
                      : "- **Learning rate**: rows differ (listed by rule).\n",
                  MarkdownRules(p.learning_rate, all));
  std::string equal;
  if (p.budget_totals.empty()) {
    equal = "no rows.";
  } else if (p.equal_budgets) {
    equal = absl::StrCat("equal, ", p.budget_totals.front(), " epochs for every row.");
  } else {
    equal =
        "**UNEQUAL across rows**: rows with different budgets are not a like-for-like "
        "comparison.";
  }
  absl::StrAppend(&md,
                  "- **Epoch budget** (\"Epochs\" in the tables; soft sharing: pretraining epochs "
                  "of each single-task branch + joint epochs; with early stopping, the most a row "
                  "may use): ",
                  equal, "\n");
  for (size_t i = 0; i < p.budget.size(); ++i) {
    const std::string total = p.budget[i].text == absl::StrCat(p.budget_totals[i])
                                  ? ""
                                  : absl::StrCat(" (", p.budget_totals[i], " in all)");
    absl::StrAppend(&md, "  - ", p.budget[i].text, total, ": ",
                    MarkdownText(Rows(p.budget[i], all)), "\n");
  }

  std::vector<std::string> budgets;
  for (size_t i = 0; i < p.budget.size(); ++i) {
    budgets.push_back(absl::StrCat("      {\"budget\": ", JsonText(p.budget[i].text),
                                   ", \"total\": ", p.budget_totals[i],
                                   ", \"rows\": ", JsonRows(p.budget[i]), "}"));
  }
  section.json = absl::StrCat(
      "{\n    \"checkpoint\": ", JsonRules(p.checkpoint),
      ",\n    \"learning_rate\": ", JsonRules(p.learning_rate), ",\n    \"epoch_budget\": ",
      budgets.empty() ? "[]" : absl::StrCat("[\n", absl::StrJoin(budgets, ",\n"), "\n    ]"),
      ",\n    \"equal_epoch_budgets\": ", p.equal_budgets ? "true" : "false", "\n  }");
  return section;
}

}  // namespace nerve_mtl::reports
