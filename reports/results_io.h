#ifndef NERVE_MTL_REPORTS_RESULTS_IO_H_
#define NERVE_MTL_REPORTS_RESULTS_IO_H_

// Reads the trial results a study run left behind:
// <results_dir>/trials/<trial id>/result.textproto.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {

// Completes a result written before results recorded their `components` (the study binaries,
// which link the components, pass study::RecordComponents).
using CompleteResult = std::function<absl::Status(study::Result*)>;

// Every trials/*/result.textproto under `results_dir`, sorted by experiment name, then seed, then
// trial id, so that reports do not depend on directory order. A result without a trial_id gets
// its directory's name. A trial directory without a result (still running) is skipped.
// Errors: NotFound naming `results_dir` when it is missing or holds no result; a parse error
// naming the file, line and column; a result without `components` that `complete` (when given)
// cannot fill in, naming the file.
absl::StatusOr<std::vector<study::Result>> ReadResults(const std::string& results_dir,
                                                        const CompleteResult& complete = nullptr);

}  // namespace nerve_mtl::reports

#endif  // NERVE_MTL_REPORTS_RESULTS_IO_H_
