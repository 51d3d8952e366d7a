#ifndef NERVE_MTL_STUDY_ENVIRONMENT_H_
#define NERVE_MTL_STUDY_ENVIRONMENT_H_

#include "trial/result.pb.h"

namespace nerve_mtl::study {

// Where a result came from: git revision (of BUILD_WORKSPACE_DIRECTORY under `bazel run`, else
// the current directory; "unknown" outside a git checkout), LibTorch version, CPU model, LibTorch
// threads, host name and device.
Environment CurrentEnvironment();

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_ENVIRONMENT_H_
