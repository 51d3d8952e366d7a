#ifndef NERVE_MTL_REPORTS_PROTOCOL_H_
#define NERVE_MTL_REPORTS_PROTOCOL_H_

// The report's "Protocol" section: how every row was trained and which checkpoint it reports,
// read from the rows' resolved specs so that it cannot drift from what ran. Rows that share a
// rule are listed together; epoch budgets that differ between rows are flagged.

#include <string>
#include <vector>

#include "reports/tables.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

// One rule and the rows (labels, in report order) it holds for.
struct Rule {
  std::string text;
  std::vector<std::string> rows;
};

struct Protocol {
  std::vector<Rule> checkpoint;     // Which validation value picks the reported epoch.
  std::vector<Rule> learning_rate;  // Optimiser, rates, schedule.
  std::vector<Rule> budget;         // Text: EpochBudget::Shown().
  std::vector<int> budget_totals;   // Aligned with budget.
  bool equal_budgets = true;        // Every row has the same total epochs.
};

// Describes the rows `labels` (report order). A row is described by its first successful trial
// (its seeds share the spec), else its first trial; labels without results are skipped.
Protocol DescribeProtocol(const std::vector<study::Result>& results,
                          const std::vector<std::string>& labels);

// The section, placed before the tables.
Section ProtocolSection(const Protocol& protocol);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_PROTOCOL_H_
