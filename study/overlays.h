#ifndef NERVE_MTL_STUDY_OVERLAYS_H_
#define NERVE_MTL_STUDY_OVERLAYS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// The original study's finding is that soft sharing still segments nerves it misclassifies while
// hard sharing does not. For each pair of hard (quickfcn) and soft (softquickfcn) sharing trials
// with the same strategy, at the smallest seed they share, this draws the test images the two
// classify differently (at most `max_images` a pair): hard and soft predictions side by side,
// truth outlined green and prediction red, captioned with the predicted and true classes.
// Files: <out_dir>/<hard label> vs <soft label>/<image id>.png (labels made file-safe).
// Models are rebuilt from <results_dir>/trials/<id>/best_model.pt. Returns the images written.
absl::StatusOr<int> WriteDisagreementOverlays(const std::string& results_dir,
                                              const std::vector<Result>& results,
                                              const std::string& out_dir, int max_images);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_OVERLAYS_H_
