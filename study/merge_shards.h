#ifndef NERVE_MTL_STUDY_MERGE_SHARDS_H_
#define NERVE_MTL_STUDY_MERGE_SHARDS_H_

// //study:merge's work: joins shard result folders (MergeResults, runner.h) after checking that
// their records (study/study_identity.h) name one study, then says what the merged folder
// lacks: failed trials, and trials without a result, grouped by the shard (and the task) that
// should have made them. docs/DESIGN.md §8.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nerve_mtl::study {

struct MergeOutcome {
  // The study's row labels in grid order; empty when the shards carry no record (results of
  // versions before records), and the tables then sort the rows.
  std::vector<std::string> order;
  int failed = 0;   // Trials whose result is FAILED.
  int missing = 0;  // Trials of the study without a result.
  // One line per failed trial and per shard with trials missing.
  std::vector<std::string> problems;
};

// Errors before anything is written: InvalidArgument for shards of different studies or an
// unreadable record, and MergeResults' errors (a conflict, a missing folder).
absl::StatusOr<MergeOutcome> MergeShards(const std::vector<std::string>& shard_dirs,
                                         const std::string& into);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_MERGE_SHARDS_H_
