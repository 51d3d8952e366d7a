#ifndef NERVE_MTL_COMMON_FILES_H_
#define NERVE_MTL_COMMON_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace nerve_mtl {

// The whole file; NotFound naming the path when it cannot be opened.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Writes `contents` to path.tmp and renames it over `path`, so a reader (or a rerun after a
// kill) sees the old file or the new one, never half of one. Errors name the file.
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_FILES_H_
