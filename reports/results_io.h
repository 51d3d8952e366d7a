#ifndef NERVE_MTL_REPORTS_RESULTS_IO_H_
#define NERVE_MTL_REPORTS_RESULTS_IO_H_

// Reads the trial results a study run left behind:
// <results_dir>/trials/<trial id>/result.textproto.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

// Every trials/*/result.textproto under `results_dir`, sorted by experiment name, then seed, then
// trial id, so that reports do not depend on directory order. A result without a trial_id gets
// its directory's name. A trial directory without a result (still running) is skipped.
// Errors: NotFound naming `results_dir` when it is missing or holds no result; a parse error
// naming the file, line and column.
absl::StatusOr<std::vector<study::Result>> ReadResults(const std::string& results_dir);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_RESULTS_IO_H_
