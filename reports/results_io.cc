#include "reports/results_io.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"
#include "trial/layout.h"

namespace nerve_mtl::reports {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<study::Result>> ReadResults(const std::string& results_dir,
                                                        const CompleteResult& complete) {
  std::error_code error;
  if (!fs::is_directory(results_dir, error)) {
    return absl::NotFoundError(absl::StrCat(results_dir, ": no such directory"));
  }
  const fs::path trials = trial::TrialsDir(results_dir);
  std::vector<study::Result> results;
  if (fs::is_directory(trials, error)) {
    for (fs::directory_iterator it(trials, error), end; !error && it != end; it.increment(error)) {
      const fs::path file = trial::ResultFile(it->path());
      if (!fs::is_regular_file(file, error)) continue;
      study::Result result;
      if (absl::Status s = ReadTextProtoFile(file.string(), &result); !s.ok()) return s;
      if (result.trial_id().empty()) result.set_trial_id(it->path().filename().string());
      if (!result.has_components()) {
        absl::Status s = complete ? complete(&result)
                                  : absl::FailedPreconditionError(
                                        "written before results recorded their components; "
                                        "make the tables with the study's own binary "
                                        "(bazel run //study:...), which fills them in");
        if (!s.ok()) return absl::Status(s.code(), absl::StrCat(file.string(), ": ", s.message()));
      }
      results.push_back(std::move(result));
    }
    if (error) return absl::UnavailableError(absl::StrCat(trials.string(), ": ", error.message()));
  }
  if (results.empty()) {
    return absl::NotFoundError(absl::StrCat(results_dir, ": no trial results (",
                                            trial::ResultFile(trial::TrialDir("", "*")).string(),
                                            ")"));
  }
  std::sort(results.begin(), results.end(), [](const study::Result& a, const study::Result& b) {
    return std::make_tuple(a.experiment().name(), a.experiment().seed(), a.trial_id()) <
           std::make_tuple(b.experiment().name(), b.experiment().seed(), b.trial_id());
  });
  return results;
}

}  // namespace nerve_mtl::reports
