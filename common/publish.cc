#include "common/publish.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl {
namespace {

namespace fs = std::filesystem;

}  // namespace

absl::StatusOr<bool> PublishDirectory(const std::string& own, const std::string& target,
                                      const std::string& marker) {
  // Two tries: the second after removing a leftover without its marker.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (std::rename(own.c_str(), target.c_str()) == 0) return true;
    const int error = errno;
    if (error != EEXIST && error != ENOTEMPTY) {
      return absl::InternalError(absl::StrCat("cannot rename ", own, " to ", target, ": ",
                                              std::strerror(error)));
    }
    std::error_code ignored;
    if (fs::exists(fs::path(target) / marker)) {
      fs::remove_all(own, ignored);
      return false;
    }
    fs::remove_all(target, ignored);
  }
  return absl::InternalError(
      absl::StrCat("cannot rename ", own, " to ", target, ": it keeps reappearing without ",
                   marker));
}

}  // namespace nerve_mtl
