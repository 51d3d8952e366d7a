#ifndef NERVE_MTL_DATA_NEAR_DUPLICATES_H_
#define NERVE_MTL_DATA_NEAR_DUPLICATES_H_

// Near-duplicate grouping: public ultrasound sets hold the same scan several times (re-saved,
// re-cropped, filed under two classes), and an image-level split then tests on training images.
// Grouping joins near-duplicates and makes their patients one split unit.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// What grouping found, for the binaries to print (DescribeGrouping).
struct GroupingSummary {
  bool enabled = false;
  int max_distance = 0;
  int images = 0;  // before exclusion
  // Near-duplicate groups: the connected components of "hash distance <= max_distance" over
  // all images, singletons included, and how many groups have each size.
  int groups = 0;
  std::map<int, int> groups_of_size;
  // Split units that join more than one original patient, and how many patients they join.
  int merged_units = 0;
  int merged_patients = 0;
  // One entry per group with class conflicts, naming its conflicting images:
  // "id (class), id (class), ...".
  std::vector<std::string> conflicts;
  int excluded = 0;  // images dropped for class conflicts (CLASS_CONFLICT_EXCLUDE)
};

// Whether grouping runs for this spec: group_near_duplicates.enabled (default true) when the
// message is given, else true for the busi and kaggle sources and false for the phantom and
// manifests.
bool GroupingEnabled(const DataSpec& spec);

// Checks the options' ranges, naming the field (data.group_near_duplicates.*).
absl::Status ValidateGrouping(const NearDuplicateGrouping& options);

// Hashes every image (DifferenceHash, data/perceptual_hash.h), joins images whose hashes are at
// most options.max_distance bits apart (union-find over all pairs), and then:
//  - an image within max_distance of an image with another label is in a class conflict:
//    with CLASS_CONFLICT_EXCLUDE it is removed from the data set. Pairs decide, not whole
//    groups, so a long run of similar frames (Kaggle) loses only the images that actually
//    contradict a neighbour;
//  - the patients of the images of each group are merged into one split unit: every example of
//    those patients gets the patient id "<first>+<n>", where <first> is the unit's first patient
//    in natural order (NaturalLess, data/split.h) and <n> the number of other patients it joins.
//    Patients that join nothing keep their id, so the split of a data set without
//    near-duplicates is unchanged; the ids depend only on the images and their ids, so splits
//    stay deterministic.
// A unit that joins several patients and holds more than options.max_group_fraction of the
// images (and more than 2, since a pair is no chain) is refused with InvalidArgument naming the
// largest max_distance that avoids it: such a unit is a chain of merely similar images, and would
// unbalance every split.
absl::StatusOr<GroupingSummary> GroupNearDuplicates(const NearDuplicateGrouping& options,
                                                    Dataset* dataset);

// The summary as lines for a log: the counts, the group-size distribution, then one line per
// conflict. Empty when grouping was off.
std::vector<std::string> DescribeGrouping(const GroupingSummary& summary);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_NEAR_DUPLICATES_H_
