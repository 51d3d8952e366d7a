#ifndef NERVE_MTL_COMMON_FILES_H_
#define NERVE_MTL_COMMON_FILES_H_

// Reading files, and the one way every file and folder is written: into a temporary sibling,
// then renamed into place, so that a reader, a rerun after a kill or another shard never sees
// half of one (docs/DESIGN.md §8).

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace nerve_mtl {

// The whole file; NotFound naming the path when it cannot be opened.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// "<parent>/.<name>.tmp-<host>-<pid>-<n>": unique to this call among all processes that share
// the file system, hidden from globs over the parent, and on the same file system as `target`,
// so that renaming it there is atomic.
std::string PrivateSibling(const std::string& target);

// Writes a file through `write`, which gets a private sibling of `path` to create (an encoder
// that writes files itself: PNG, TIFF, a LibTorch archive), then renames it over `path`: a
// reader sees the old file or the new one. On failure the sibling is removed and `path` left as
// it was. Errors name the file.
absl::Status WriteAtomically(const std::string& path,
                             const std::function<absl::Status(const std::string&)>& write);

// WriteAtomically with `contents`.
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents);

// Puts the folder `from` in the place of `to`, removing the old one, by a rename (so both must be
// on one file system: make `from` with PrivateSibling(to) or inside a sibling of it). A trailing
// "/" is ignored. Errors name `to`.
absl::Status SwapInDirectory(const std::string& from, const std::string& to);

// Builds a folder through `build`, which gets an empty private sibling of `target` to fill, then
// puts it in the place of `target`, removing the old one: a reader sees the old folder, for a
// moment none, or the new one, never half of one. On failure the sibling is removed and `target`
// left as it was. A trailing "/" in `target` is ignored. Errors name the folder. (Folders that
// several processes may create at once, where the first must win, are common/publish.h's.)
absl::Status ReplaceDirectory(const std::string& target,
                              const std::function<absl::Status(const std::string&)>& build);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_FILES_H_
