#ifndef NERVE_MTL_STUDY_DRY_RUN_H_
#define NERVE_MTL_STUDY_DRY_RUN_H_

#include <string>
#include <vector>

#include "study/grid.h"
#include "study/preflight.h"

namespace nerve_mtl::study {

// Seconds per training image per epoch assumed when no trial has finished: the default study's
// measured cost on a 2-core machine (10 min 14 s for 42 trainings of 8 epochs over 200 images
// of 48x48 with 16 filters), scaled by pixels and by the square of the filters.
inline constexpr double kRoughSecondsPerImageEpoch = 0.01;

// What `--dry_run` prints: the checked plan's rows (budget, training images, the best trivial
// baseline of each test metric), then each of `trials` with its state in `results_dir`
// (done, failed with its reason, to do, or to do resuming from a checkpoint) and an estimated
// time for the rest, from the cost per image-epoch of the finished trials there, or else from
// kRoughSecondsPerImageEpoch (and it says which). Reads, never writes.
std::string DescribePlan(const StudyPlan& plan, const std::vector<Trial>& trials,
                         const std::string& results_dir);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_DRY_RUN_H_
