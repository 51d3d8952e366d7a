#ifndef NERVE_MTL_STUDY_THRESHOLDS_H_
#define NERVE_MTL_STUDY_THRESHOLDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "study/result.pb.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

// Checks the study's thresholds against results: the mean over a row's successful seeds of
// each metric must reach its bound. Returns one line per violation, e.g.
// "QuickNAT: test.dice = 0.4120 is below its bound 0.5000 (mean of 3 seeds)"; a row with no
// successful result violates every threshold on it. An unknown metric, or a trial label with no
// results at all, is an error naming the threshold.
absl::StatusOr<std::vector<std::string>> CheckThresholds(const Study& study,
                                                         const std::vector<Result>& results);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_THRESHOLDS_H_
