#ifndef NERVE_MTL_STUDY_SPEC_H_
#define NERVE_MTL_STUDY_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trial/experiment.pb.h"

namespace nerve_mtl::study {

// Checks an experiment before anything runs, naming the field: data options, training values,
// and contradictions such as cross-stitch options on a model other than softquickfcn or a
// classifier with fewer than two classes.
absl::Status ValidateExperiment(const Experiment& experiment);

// The experiment with every default written out and the model's input size and channels taken
// from the data spec.
Experiment ResolveExperiment(const Experiment& experiment);

// A trial's stable ID: the hash of its resolved experiment, name and class count aside (the
// class count is the data's). TrialId(SavedExperiment(e, n)) == TrialId(e).
std::string TrialId(const Experiment& experiment);

// The spec a trial saves beside its result (experiment.textproto): ResolveExperiment with the
// class count the data has. It parses, validates and hashes back to the trial's id.
Experiment SavedExperiment(const Experiment& experiment, int data_classes);

// Layered loading: the proto's defaults, then the file, then each override (text-format
// fragments such as "training { epochs: 5 }", merged in order, lists replaced). Unknown fields
// and misspelled enum values are errors naming file (or "override N"), line and column.
absl::StatusOr<Experiment> LoadExperiment(const std::string& path,
                                          const std::vector<std::string>& overrides);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_SPEC_H_
