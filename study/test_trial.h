#ifndef NERVE_MTL_STUDY_TEST_TRIAL_H_
#define NERVE_MTL_STUDY_TEST_TRIAL_H_

// The tiny trial that the trainer's, the evaluation's and the predictor's tests run (testonly).

#include <string>

#include "trial/experiment.pb.h"

namespace nerve_mtl::study {

// Small enough to train in seconds on 2 cores: 4 phantom patients of 6 32x32 images, a
// QuickFCN of 4 filters, 3 epochs. Multitask, so that the per-task checkpoint rule saves
// best_classifier.pt beside best_model.pt.
Experiment TinyExperiment();

// $TEST_TMPDIR/<name>, as it is (nothing is created or removed).
std::string TestPath(const std::string& name);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_TEST_TRIAL_H_
