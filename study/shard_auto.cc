#include "study/shard_auto.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"
#include "study/shard_record.pb.h"
#include "study/study_identity.h"
#include "trial/layout.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

}  // namespace

absl::StatusOr<Shard> ResolveShard(const std::string& shard, int count, const GetEnv& getenv) {
  if (count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("--shard_count must be >= 0, got ", count));
  }
  if (shard == "auto") {
    absl::StatusOr<Shard> found = ShardFromEnvironment(getenv, count);
    if (!found.ok()) return absl::InvalidArgumentError(found.status().message());
    return found;
  }
  if (count != 0) {
    return absl::InvalidArgumentError(
        "--shard_count goes with --shard=auto (an Indexed Job's shard count); --shard=i/n "
        "names the count itself");
  }
  Shard fixed;
  fixed.source = "flag";
  if (absl::Status s = ParseShard(shard, &fixed.index, &fixed.count); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(s.message(), ", or auto"));
  }
  return fixed;
}

absl::StatusOr<Shard> ResolveShard(const std::string& shard, int count) {
  return ResolveShard(shard, count, ProcessEnv);
}

std::string TaskName(const GetEnv& getenv) {
  const std::string host = getenv("SLURMD_NODENAME").value_or(
      getenv("HOSTNAME").value_or(HostName()));
  if (std::optional<std::string> job = getenv("SLURM_ARRAY_JOB_ID")) {
    return absl::StrCat("Slurm job ", *job, "_", getenv("SLURM_ARRAY_TASK_ID").value_or("?"),
                        " on ", host);
  }
  if (std::optional<std::string> index = getenv("JOB_COMPLETION_INDEX")) {
    return absl::StrCat("Kubernetes index ", *index, " on ", host);
  }
  return absl::StrCat("pid ", getpid(), " on ", host);
}

std::string TaskName() { return TaskName(ProcessEnv); }

absl::StatusOr<RunSummary> RunRecordedTrials(const Study& study, const std::vector<Trial>& trials,
                                             const RunOptions& options, const std::string& task) {
  ShardRecord record =
      MakeShardRecord(study, trials, options.shard_index, options.shard_count, task);
  if (absl::Status s = WriteShardRecord(options.results_dir, record); !s.ok()) return s;
  absl::StatusOr<RunSummary> summary = RunTrials(study, trials, options);
  if (!summary.ok()) return summary;
  for (const Trial& t : ShardTrials(trials, options.shard_index, options.shard_count)) {
    const fs::path path = trial::ResultFile(trial::TrialDir(options.results_dir, t.id));
    Result result;
    if (absl::Status s = ReadTextProtoFile(path.string(), &result); !s.ok()) return s;
    if (result.status() == Result::FAILED) record.add_failed_trial(t.id);
  }
  record.set_state(ShardRecord::FINISHED);
  if (absl::Status s = WriteShardRecord(options.results_dir, record); !s.ok()) return s;
  return summary;
}

}  // namespace nerve_mtl::study
