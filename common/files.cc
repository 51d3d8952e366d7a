#include "common/files.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace nerve_mtl {
namespace {

namespace fs = std::filesystem;

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

// "dir/" names the folder "dir".
fs::path WithoutTrailingSlash(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p;
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open file"));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return text.str();
}

std::string PrivateSibling(const std::string& target) {
  // Threads of one process (trials trained side by side) get names of their own too.
  static std::atomic<uint64_t> counter{0};
  const fs::path path = WithoutTrailingSlash(target);
  return (path.parent_path() / absl::StrCat(".", path.filename().string(), ".tmp-", HostName(),
                                            "-", getpid(), "-", counter.fetch_add(1)))
      .string();
}

absl::Status WriteAtomically(const std::string& path,
                             const std::function<absl::Status(const std::string&)>& write) {
  const std::string temporary = PrivateSibling(path);
  std::error_code error;
  if (absl::Status status = write(temporary); !status.ok()) {
    fs::remove(temporary, error);
    return status;
  }
  fs::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return absl::InternalError(
        absl::StrCat(path, ": cannot rename the written file into place: ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  return WriteAtomically(path, [&](const std::string& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) return absl::InternalError(absl::StrCat(path, ": write failed"));
    return absl::OkStatus();
  });
}

absl::Status SwapInDirectory(const std::string& from, const std::string& to) {
  const fs::path path = WithoutTrailingSlash(to);
  std::error_code error;
  fs::remove_all(path, error);
  if (!error) fs::rename(WithoutTrailingSlash(from), path, error);
  if (error) return absl::UnavailableError(absl::StrCat(path.string(), ": ", error.message()));
  return absl::OkStatus();
}

absl::Status ReplaceDirectory(const std::string& target,
                              const std::function<absl::Status(const std::string&)>& build) {
  const std::string temporary = PrivateSibling(target);
  std::error_code error;
  fs::create_directories(temporary, error);
  if (error) return absl::UnavailableError(absl::StrCat(temporary, ": ", error.message()));
  absl::Status status = build(temporary);
  if (status.ok()) status = SwapInDirectory(temporary, target);
  if (!status.ok()) fs::remove_all(temporary, error);
  return status;
}

}  // namespace nerve_mtl
