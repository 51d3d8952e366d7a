#include "reports/original.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"

namespace nerve_mtl::reports {

namespace fs = std::filesystem;

absl::StatusOr<Original> ReadOriginal(const std::string& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat(dir, ": no such directory"));
  }
  Original original;
  bool facts = false;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    if (path.extension() != ".textproto") continue;
    if (path.filename() == kOriginalFactsFile) {
      if (absl::Status s = ReadTextProtoFile(path.string(), &original.facts); !s.ok()) return s;
      facts = true;
      continue;
    }
    study::Experiment network;
    if (absl::Status s = ReadTextProtoFile(path.string(), &network); !s.ok()) return s;
    // The file name is how a reader finds a network's facts; it must say which model they are
    // compared with.
    if (network.model().name() != path.stem().string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path.string(), ": model.name is '", network.model().name(),
                       "', but the file is named after '", path.stem().string(), "'"));
    }
    original.networks[network.model().name()] = std::move(network);
  }
  if (error) return absl::UnavailableError(absl::StrCat(dir, ": ", error.message()));
  if (!facts) {
    return absl::NotFoundError(absl::StrCat(dir, ": no ", kOriginalFactsFile));
  }
  for (const OriginalFact& fact : original.facts.fact()) {
    const std::string where =
        absl::StrCat(dir, "/", kOriginalFactsFile, ": fact '", fact.aspect(), "'");
    if (fact.aspect().empty() || fact.original().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": needs aspect and original"));
    }
    if (fact.ours().empty() == fact.ours_oneof().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": needs exactly one of ours and ours_oneof"));
    }
  }
  return original;
}

}  // namespace nerve_mtl::reports
