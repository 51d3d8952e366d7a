#ifndef NERVE_MTL_COMMON_CLI_H_
#define NERVE_MTL_COMMON_CLI_H_

#include <string>

#include "absl/status/status.h"

namespace nerve_mtl {

// `bazel run` starts binaries in their runfiles tree; relative paths a user typed are meant
// relative to where they typed them (BUILD_WORKING_DIRECTORY). A path starting with "//" is
// relative to the workspace root (BUILD_WORKSPACE_DIRECTORY; the current directory outside
// `bazel run`), which is how BUILD rules name the committed report folders. Absolute paths pass
// unchanged.
std::string ResolveUserPath(const std::string& path);

// An input file a user named: relative to BUILD_WORKING_DIRECTORY when it exists there, else
// as given (a runfiles path that a BUILD rule passes, for example).
std::string ResolveInputPath(const std::string& path);

// Every binary's exit statuses (README, "Exit status").
inline constexpr int kExitOk = 0;
// Results differ from the committed ones, or a threshold is missed.
inline constexpr int kExitDiffers = 1;
// Bad input (spec, flag, data) found before any work; nothing written.
inline constexpr int kExitBadInput = 2;
// The work failed: a trial failed (the tables are still written), or an error stopped it.
inline constexpr int kExitFailed = 3;

// Exit status for a status: kExitOk, kExitBadInput for bad input (invalid argument, missing
// file, failed precondition, unreadable data), kExitFailed for anything else. A binary that
// has begun its work returns kExitFailed whatever the status.
int ExitCode(const absl::Status& status);

// Prints "<program>: <message>" as one line on stderr and returns ExitCode(status).
int ReportFailure(const char* program, const absl::Status& status);

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_CLI_H_
