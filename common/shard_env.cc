#include "common/shard_env.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl {
namespace {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

absl::StatusOr<int> Integer(const GetEnv& getenv, const std::string& name) {
  const std::optional<std::string> text = getenv(name);
  int value = 0;
  if (!text.has_value()) return absl::InvalidArgumentError(absl::StrCat(name, " is not set"));
  if (!absl::SimpleAtoi(*text, &value) || value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, "='", *text, "' is not a non-negative integer"));
  }
  return value;
}

absl::StatusOr<Shard> FromSlurm(const GetEnv& getenv) {
  absl::StatusOr<int> id = Integer(getenv, "SLURM_ARRAY_TASK_ID");
  absl::StatusOr<int> min = Integer(getenv, "SLURM_ARRAY_TASK_MIN");
  absl::StatusOr<int> max = Integer(getenv, "SLURM_ARRAY_TASK_MAX");
  absl::StatusOr<int> count = Integer(getenv, "SLURM_ARRAY_TASK_COUNT");
  for (const auto* value : {&id, &min, &max, &count}) {
    if (!value->ok()) return value->status();
  }
  if (*max - *min + 1 != *count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the Slurm array is not contiguous (SLURM_ARRAY_TASK_MIN=", *min,
        ", SLURM_ARRAY_TASK_MAX=", *max, ", SLURM_ARRAY_TASK_COUNT=", *count,
        "), so some shards would never run: submit with --array=", *min, "-", *min + *count - 1));
  }
  if (*id < *min || *id > *max) {
    return absl::InvalidArgumentError(absl::StrCat("SLURM_ARRAY_TASK_ID=", *id,
                                                   " is outside ", *min, "-", *max));
  }
  return Shard{*id - *min, *count, "slurm"};
}

absl::StatusOr<Shard> FromKubernetes(const GetEnv& getenv, int count) {
  absl::StatusOr<int> index = Integer(getenv, "JOB_COMPLETION_INDEX");
  if (!index.ok()) return index.status();
  if (count == 0) {
    absl::StatusOr<int> from_env = Integer(getenv, "NERVE_MTL_SHARD_COUNT");
    if (!from_env.ok()) {
      return absl::InvalidArgumentError(
          "JOB_COMPLETION_INDEX is set but not the shard count: an Indexed Job's pods do not see "
          "`completions`, so pass it (--shard_count or NERVE_MTL_SHARD_COUNT)");
    }
    count = *from_env;
  }
  if (count < 1 || *index >= count) {
    return absl::InvalidArgumentError(absl::StrCat("JOB_COMPLETION_INDEX=", *index,
                                                   " does not fit a shard count of ", count));
  }
  return Shard{*index, count, "kubernetes"};
}

}  // namespace

absl::StatusOr<Shard> ShardFromEnvironment(const GetEnv& getenv, int count) {
  const bool slurm = getenv("SLURM_ARRAY_TASK_ID").has_value();
  const bool kubernetes = getenv("JOB_COMPLETION_INDEX").has_value();
  if (!slurm && !kubernetes) {
    return absl::InvalidArgumentError(
        "--shard=auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX "
        "(a Kubernetes Indexed Job) is set");
  }
  absl::StatusOr<Shard> from_slurm = slurm ? FromSlurm(getenv) : absl::StatusOr<Shard>();
  if (slurm && !from_slurm.ok()) return from_slurm.status();
  absl::StatusOr<Shard> from_kubernetes =
      kubernetes ? FromKubernetes(getenv, count) : absl::StatusOr<Shard>();
  if (kubernetes && !from_kubernetes.ok()) return from_kubernetes.status();
  if (slurm && kubernetes &&
      (from_slurm->index != from_kubernetes->index || from_slurm->count != from_kubernetes->count)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Slurm says shard ", from_slurm->index, "/", from_slurm->count, ", Kubernetes ",
        from_kubernetes->index, "/", from_kubernetes->count, ": unset one of them"));
  }
  return slurm ? *from_slurm : *from_kubernetes;
}

absl::StatusOr<Shard> ShardFromEnvironment(int count) {
  return ShardFromEnvironment(
      [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      },
      count);
}

}  // namespace nerve_mtl
