#include "reports/table_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace nerve_mtl::reports {
namespace {

std::string Values(const std::vector<std::string>& values) {
  return values.empty() ? "unknown" : absl::StrJoin(values, ", ");
}

template <typename T>
std::string Numbers(const std::vector<T>& values) {
  return values.empty() ? "unknown" : absl::StrJoin(values, ", ");
}

}  // namespace

std::string Fixed(double value, int precision) { return absl::StrFormat("%.*f", precision, value); }

std::string FormatP(double p) { return absl::StrFormat("%.3g", p); }

// Shortest text that reads back as the same double; "" for NaN and infinities.
std::string Exact(double value) {
  if (!std::isfinite(value)) return "";
  char buffer[64];
  const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, end.ptr);
}

std::vector<std::string> ContextLines(const Context& c, const std::string& what) {
  std::vector<std::string> lines = {
      absl::StrCat("nerve-mtl study report: ", what),
      absl::StrCat("git revision: ", OneLine(Values(c.git_revisions))),
      absl::StrCat("LibTorch: ", OneLine(Values(c.libtorch_versions))),
      absl::StrCat("CPU: ", OneLine(Values(c.cpus))),
      absl::StrCat("threads: ", Numbers(c.threads)),
      absl::StrCat("device: ", OneLine(Values(c.devices))),
      absl::StrCat("seeds: ", Numbers(c.seeds)),
      absl::StrCat("trials: ", c.trials, " (", c.failed.size(), " failed)"),
  };
  if (what.empty() || what == "cost") {
    // Trials side by side share the cores, which shows in the times but not in the metrics: a
    // metric table of `--jobs=2 --threads=2` equals that of `--threads=1` byte for byte.
    if (SideBySide(c)) {
      lines.push_back(absl::StrCat("jobs: ", Numbers(c.jobs),
                                   " (trials side by side, each with the threads above)"));
    }
    lines.push_back(absl::StrFormat("total train time: %.1f s", c.total_train_seconds));
  }
  return lines;
}

bool SideBySide(const Context& c) {
  return std::any_of(c.jobs.begin(), c.jobs.end(), [](int jobs) { return jobs > 1; });
}

std::string FailedLine(const FailedTrial& f) {
  return absl::StrCat(OneLine(f.label), ", seed ", f.seed, " (trial ", OneLine(f.trial_id),
                      "): ", OneLine(f.reason));
}

std::string SeedCount(const Row& row) {
  return row.failed == 0 ? absl::StrCat(row.seeds.size())
                         : absl::StrCat(row.seeds.size(), " (", row.failed, " failed)");
}

}  // namespace nerve_mtl::reports
