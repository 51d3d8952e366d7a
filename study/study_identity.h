#ifndef NERVE_MTL_STUDY_STUDY_IDENTITY_H_
#define NERVE_MTL_STUDY_STUDY_IDENTITY_H_

// A shard's record of the study it ran (study/shard_record.proto), kept beside its results in
// <results>/shards/<i>-of-<n>.textproto (trial/layout.h), so that //study:merge can refuse
// shards of different studies, name the rows in the study's order and name the shards that left
// trials without a result. docs/DESIGN.md §8.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "study/grid.h"
#include "study/shard_record.pb.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

// The study's identity: StableHash of its spec.
std::string StudyHash(const Study& study);

// A RUNNING record of shard `index` of `count` of `study`, whose grid is `trials`.
ShardRecord MakeShardRecord(const Study& study, const std::vector<Trial>& trials, int index,
                            int count, const std::string& task);

// Writes the record atomically to its path under `results` (trial::ShardFile).
absl::Status WriteShardRecord(const std::string& results, const ShardRecord& record);

// The records in <dir>/shards/ with their paths, sorted by path; none when the folder is
// missing. A record that does not parse is an error naming it.
absl::StatusOr<std::vector<std::pair<std::string, ShardRecord>>> ReadShardRecords(
    const std::string& dir);

// InvalidArgument naming two records of different studies, if there are such.
absl::Status CheckOneStudy(const std::vector<std::pair<std::string, ShardRecord>>& records);

// Row labels in grid order, each once.
std::vector<std::string> RowOrder(const ShardRecord& record);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_STUDY_IDENTITY_H_
