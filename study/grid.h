#ifndef NERVE_MTL_STUDY_GRID_H_
#define NERVE_MTL_STUDY_GRID_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "trial/experiment.pb.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {

struct Trial {
  std::string id;     // TrialId(experiment): names its result directory.
  std::string label;  // The row: non-pooled axes' labels joined by " / "; the same for every seed.
  std::string replicate;  // The pooled axes' labels ("fold 2"), empty without pooled axes.
  uint64_t seed = 0;
  Experiment experiment;  // Base, axis values merged in order, name = label, seed set.
};

// "label (replicate)", or the label alone without pooled axes: a trial in messages, seed aside.
std::string TrialName(const Trial& trial);

// Expands a study into trials: grid points in axis order (first axis slowest), each over the
// seeds (the base experiment's seed when none are listed). Deterministic. Every trial is
// validated; an invalid one fails the whole expansion naming the trial, as do two grid points
// that resolve to the same experiment. Grid points that differ only in pooled axes share a
// label; one row's trials then follow each other (pooled axes are iterated fastest).
absl::StatusOr<std::vector<Trial>> ExpandStudy(const Study& study);

// Parses "i/n" (0 <= i < n).
absl::Status ParseShard(const std::string& text, int* index, int* count);

// The trials of shard `index` of `count`: every count-th trial starting at `index`, so shards
// are disjoint, cover the grid and get a fair share of every axis value.
std::vector<Trial> ShardTrials(const std::vector<Trial>& trials, int index, int count);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_GRID_H_
