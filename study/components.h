#ifndef NERVE_MTL_STUDY_COMPONENTS_H_
#define NERVE_MTL_STUDY_COMPONENTS_H_

// The components a trial records with its result (trial/result.proto, `Components`), from the
// registrations of the model and strategy its spec names (docs/DESIGN.md §3, "Traits").

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trial/experiment.pb.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// What the resolved `experiment`'s model and strategy are. Errors: InvalidArgument for a model
// or strategy this binary does not link, listing the linked ones.
absl::StatusOr<Components> DescribeComponents(const Experiment& experiment);

// Sets result->components() from result->experiment(). Results written before results recorded
// their components get them this way when a study binary reads them.
absl::Status RecordComponents(Result* result);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_COMPONENTS_H_
