#include "common/cli.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace nerve_mtl {

std::string ResolveUserPath(const std::string& path) {
  if (path.rfind("//", 0) == 0) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    return workspace == nullptr ? path.substr(2) : std::string(workspace) + path.substr(1);
  }
  if (path.empty() || path[0] == '/') return path;
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  return cwd == nullptr ? path : std::string(cwd) + "/" + path;
}

std::string ResolveInputPath(const std::string& path) {
  const std::string user = ResolveUserPath(path);
  std::error_code error;
  return std::filesystem::exists(user, error) ? user : path;
}

int ExitCode(const absl::Status& status) {
  if (status.ok()) return 0;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
      return kExitBadInput;
    default:
      return kExitFailed;
  }
}

int ReportFailure(const char* program, const absl::Status& status) {
  std::cerr << program << ": " << status.message() << std::endl;
  return ExitCode(status);
}

}  // namespace nerve_mtl
