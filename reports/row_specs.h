#ifndef NERVE_MTL_REPORTS_ROW_SPECS_H_
#define NERVE_MTL_REPORTS_ROW_SPECS_H_

// The trial whose resolved spec describes a table row, for the report sections that read specs
// rather than metrics (the protocol, the deviations from the original).

#include <string>
#include <vector>

#include "trial/result.pb.h"

namespace nerve_mtl::reports {

struct RowSpec {
  std::string label;
  // The row's first successful trial by seed, else its first trial: a row's trials differ only
  // in seed, so any of them describes the row; a successful one also says which tasks it ran.
  const study::Result* trial = nullptr;
};

// One RowSpec per label in `labels` order; labels without results are left out. The pointers
// point into `results`.
std::vector<RowSpec> RowSpecs(const std::vector<study::Result>& results,
                              const std::vector<std::string>& labels);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_ROW_SPECS_H_
