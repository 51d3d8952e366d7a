#ifndef NERVE_MTL_COMMON_PUBLISH_H_
#define NERVE_MTL_COMMON_PUBLISH_H_

// Creating a folder that several processes, perhaps on several machines sharing a file system,
// may want to create at the same moment (a pretrained branch that two shards of a study need):
// each builds it under a name of its own and renames it into place. Renaming a folder onto an
// existing non-empty one fails atomically (POSIX rename, NFS included), so the first rename wins,
// the others find a complete folder and drop theirs, and nobody ever sees half of one.

#include <string>

#include "absl/status/statusor.h"
#include "common/files.h"  // PrivateSibling: where each process builds its copy.

namespace nerve_mtl {

// Renames `own` to `target`. True when this call put it there; false when `target` already
// existed as a complete folder (holding `marker`), in which case `own` is removed. A `target`
// without `marker` is a leftover of a writer that died (or wrote in place, as earlier versions
// did): it is removed and the rename tried again. Errors name the folders.
absl::StatusOr<bool> PublishDirectory(const std::string& own, const std::string& target,
                                      const std::string& marker);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_PUBLISH_H_
