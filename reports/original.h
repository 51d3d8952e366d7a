#ifndef NERVE_MTL_REPORTS_ORIGINAL_H_
#define NERVE_MTL_REPORTS_ORIGINAL_H_

// The original study's configuration, written once as data (study/original/): one Experiment per
// network, named <model>.textproto after the registered model it corresponds to, holding only
// the fields the original's paper or code states; and facts.textproto (OriginalFacts) for what
// no spec field can express.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "reports/original.pb.h"
#include "trial/experiment.pb.h"

namespace nerve_mtl::reports {

inline constexpr char kOriginalFactsFile[] = "facts.textproto";

struct Original {
  std::map<std::string, study::Experiment> networks;  // By model.name.
  OriginalFacts facts;
};

// Reads every *.textproto in `dir` strictly. Errors: NotFound when `dir` or its facts file is
// missing; parse errors with file, line and column; InvalidArgument when a network file's name
// is not its model.name, or when a fact has no aspect, no original, or not exactly one of ours
// and ours_oneof.
absl::StatusOr<Original> ReadOriginal(const std::string& dir);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_ORIGINAL_H_
