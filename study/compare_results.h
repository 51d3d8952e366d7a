#ifndef NERVE_MTL_STUDY_COMPARE_RESULTS_H_
#define NERVE_MTL_STUDY_COMPARE_RESULTS_H_

#include <string>
#include <vector>

#include "trial/result.pb.h"

namespace nerve_mtl::study {

// One value that differs between a trial's saved result and its rerun.
struct MovedValue {
  std::string field;  // A path into Result: "test.dice", "epoch[2].train_loss", "val.image_dice[7]".
  std::string saved;
  std::string rerun;
};

// Everything a rerun must reproduce, compared field by field: the trial id, the resolved spec,
// every epoch's losses, task weights, rates, validation values and diagnostics, the best
// epochs, validation and test metrics down to each image's values, the parameter count. Not
// compared: times, throughput and the environment (EpochRecord.seconds and images_per_second,
// Result.train_seconds, images_per_second and environment), which no rerun repeats. Doubles
// count as moved when |saved - rerun| > tolerance (0: any difference; two NaNs are equal);
// everything else when unequal. A repeated field of another length is one moved value (its
// length) and its common prefix is compared; maps are compared by key.
std::vector<MovedValue> CompareResults(const Result& saved, const Result& rerun, double tolerance);

// "test.dice: 0.81234 (saved) -> 0.80011 (rerun)".
std::string DescribeMovedValue(const MovedValue& moved);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_COMPARE_RESULTS_H_
