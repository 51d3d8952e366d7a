#include "reports/row_specs.h"

#include <map>
#include <tuple>

namespace nerve_mtl::reports {

std::vector<RowSpec> RowSpecs(const std::vector<study::Result>& results,
                              const std::vector<std::string>& labels) {
  // Best candidate per label: successful first, then lowest seed, then trial id, so the choice
  // does not depend on the order of `results`.
  auto key = [](const study::Result& r) {
    return std::make_tuple(r.status() != study::Result::OK, r.experiment().seed(), r.trial_id());
  };
  std::map<std::string, const study::Result*> best;
  for (const study::Result& r : results) {
    const study::Result*& chosen = best[r.experiment().name()];
    if (chosen == nullptr || key(r) < key(*chosen)) chosen = &r;
  }
  std::vector<RowSpec> rows;
  for (const std::string& label : labels) {
    auto it = best.find(label);
    if (it != best.end()) rows.push_back({label, it->second});
  }
  return rows;
}

}  // namespace nerve_mtl::reports
