#include "study/merge_shards.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/files.h"
#include "common/textproto.h"
#include "study/runner.h"
#include "study/shard_record.pb.h"
#include "study/study_identity.h"
#include "trial/layout.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using Records = std::vector<std::pair<std::string, ShardRecord>>;

std::string Describe(const ShardRecord::TrialEntry& t) {
  return absl::StrCat("'", t.label(), "' (seed ", t.seed(), ", trial ", t.id(), ")");
}

// How a shard that left no record would be named: by its Slurm array task when a sibling's
// record says which array it belonged to.
std::string UnrecordedTask(const Records& records, int index) {
  for (const auto& [path, record] : records) {
    const std::string& task = record.task();
    const std::string prefix = "Slurm job ";
    if (task.rfind(prefix, 0) != 0) continue;
    const size_t underscore = task.find('_');
    if (underscore == std::string::npos) continue;
    const std::string job = task.substr(prefix.size(), underscore - prefix.size());
    int id = 0;
    if (!absl::SimpleAtoi(task.substr(underscore + 1, task.find(' ', underscore) - underscore - 1),
                          &id)) {
      continue;
    }
    // A sibling's task id minus its shard index is the array's first id.
    return absl::StrCat(" (Slurm job ", job, "_", id - record.shard_index() + index, ")");
  }
  return "";
}

}  // namespace

absl::StatusOr<MergeOutcome> MergeShards(const std::vector<std::string>& shard_dirs,
                                         const std::string& into) {
  Records records;
  std::vector<std::string> unrecorded;
  for (const std::string& dir : shard_dirs) {
    absl::StatusOr<Records> found = ReadShardRecords(dir);
    if (!found.ok()) return found.status();
    if (found->empty()) unrecorded.push_back(dir);
    records.insert(records.end(), found->begin(), found->end());
  }
  MergeOutcome outcome;
  if (records.empty()) {  // Shards made before records existed: only join them.
    if (absl::Status s = MergeResults(shard_dirs, into); !s.ok()) return s;
    return outcome;
  }
  if (!unrecorded.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        unrecorded.front(), " holds no shards/ record, so which study it ran is unknown; rerun "
        "it with this version (finished trials are kept) or merge it separately"));
  }
  absl::StatusOr<Records> existing = ReadShardRecords(into);
  if (!existing.ok()) return existing.status();
  Records all = records;
  all.insert(all.end(), existing->begin(), existing->end());
  if (absl::Status s = CheckOneStudy(all); !s.ok()) return s;
  if (absl::Status s = MergeResults(shard_dirs, into); !s.ok()) return s;
  // The records travel with the results, so the merged folder can be merged again.
  for (const auto& [path, record] : records) {
    const fs::path target = trial::ShardsDir(into) / fs::path(path).filename();
    if (fs::exists(target)) continue;
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    absl::StatusOr<std::string> text = ReadFile(path);
    if (!text.ok()) return text.status();
    if (absl::Status s = WriteFileAtomically(target.string(), *text); !s.ok()) return s;
  }

  const ShardRecord& study = records.front().second;
  outcome.order = RowOrder(study);
  // Who should have made each trial: a trial's shard is its grid position modulo the count,
  // the first record's when the study was sharded twice (ShardTrials, grid.h).
  const int count = std::max(1, study.shard_count());
  std::map<int, const ShardRecord*> by_index;
  for (const auto& [path, record] : records) {
    if (record.shard_count() == count) by_index[record.shard_index()] = &record;
  }
  std::map<int, std::vector<std::string>> missing;  // Shard index -> trials.
  for (int i = 0; i < study.trial_size(); ++i) {
    const ShardRecord::TrialEntry& t = study.trial(i);
    const fs::path path = trial::ResultFile(trial::TrialDir(into, t.id()));
    if (!fs::exists(path)) {
      missing[i % count].push_back(Describe(t));
      ++outcome.missing;
      continue;
    }
    Result result;
    if (absl::Status s = ReadTextProtoFile(path.string(), &result); !s.ok()) return s;
    if (result.status() == Result::FAILED) {
      ++outcome.failed;
      outcome.problems.push_back(
          absl::StrCat("trial ", Describe(t), " failed: ", result.failure()));
    }
  }
  for (const auto& [index, trials] : missing) {
    const auto it = by_index.find(index);
    std::string who = absl::StrCat("shard ", index, "/", count);
    if (it == by_index.end()) {
      absl::StrAppend(&who, UnrecordedTask(records, index),
                      " left no record: its task never started or died at once");
    } else if (it->second->state() == ShardRecord::RUNNING) {
      absl::StrAppend(&who, " (", it->second->task(),
                      ") did not finish: it crashed, was cancelled or is still running");
    } else {
      absl::StrAppend(&who, " (", it->second->task(), ") finished without them");
    }
    outcome.problems.push_back(
        absl::StrCat(who, "; no result for ", absl::StrJoin(trials, ", ")));
  }
  return outcome;
}

}  // namespace nerve_mtl::study
