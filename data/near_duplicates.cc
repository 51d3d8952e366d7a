#include "data/near_duplicates.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/perceptual_hash.h"
#include "data/split.h"

namespace nerve_mtl::data {
namespace {

// The smaller index always becomes the root, so roots (and everything named after them) do not
// depend on the order in which pairs are joined.
class UnionFind {
 public:
  explicit UnionFind(int n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }

  int Find(int x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }

  void Join(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

// The root image of each image's near-duplicate group. All pairs: 5,000 images are 12.5 million
// popcounts, a few milliseconds, and exact (no bucketing heuristics that could miss a pair).
// With `labels`, also marks in `conflicted` every image within the distance of an image with
// another label.
std::vector<int> ImageGroups(const std::vector<uint64_t>& hashes, int max_distance,
                             const std::vector<int>* labels = nullptr,
                             std::vector<bool>* conflicted = nullptr) {
  const int n = static_cast<int>(hashes.size());
  UnionFind groups(n);
  for (int i = 0; i < n; ++i) {
    const uint64_t h = hashes[i];
    for (int j = i + 1; j < n; ++j) {
      if (HammingDistance(h, hashes[j]) > max_distance) continue;
      groups.Join(i, j);
      if (labels != nullptr && (*labels)[i] != (*labels)[j]) {
        (*conflicted)[i] = true;
        (*conflicted)[j] = true;
      }
    }
  }
  std::vector<int> root(n);
  for (int i = 0; i < n; ++i) root[i] = groups.Find(i);
  return root;
}

// Split units: the patients (indices into the natural-order patient list) joined by the groups,
// counting only images with keep[i] (each joins its group's first kept image). Returns each
// patient's root patient; patients without kept images stay alone.
std::vector<int> Units(const std::vector<int>& image_root, const std::vector<int>& patient_of,
                       const std::vector<bool>& keep, int patients) {
  UnionFind units(patients);
  std::vector<int> anchor(image_root.size(), -1);  // by root image: its group's first kept image
  for (size_t i = 0; i < image_root.size(); ++i) {
    if (!keep[i]) continue;
    int& first = anchor[image_root[i]];
    if (first < 0) first = static_cast<int>(i);
    units.Join(patient_of[i], patient_of[first]);
  }
  std::vector<int> root(patients);
  for (int p = 0; p < patients; ++p) root[p] = units.Find(p);
  return root;
}

struct LargestUnit {
  int images = 0;
  int patients = 0;
  int root = -1;
};

// The merged unit (more than one patient) with the most images, over all images.
LargestUnit LargestMergedUnit(const std::vector<int>& image_root,
                              const std::vector<int>& patient_of, int patients) {
  const std::vector<int> unit =
      Units(image_root, patient_of, std::vector<bool>(image_root.size(), true), patients);
  std::vector<int> images(patients, 0), members(patients, 0);
  for (int p : patient_of) ++images[unit[p]];
  for (int p = 0; p < patients; ++p) ++members[unit[p]];
  LargestUnit largest;
  for (int p = 0; p < patients; ++p) {
    if (members[p] > 1 && images[p] > largest.images) largest = {images[p], members[p], p};
  }
  return largest;
}

}  // namespace

bool GroupingEnabled(const DataSpec& spec) {
  if (spec.has_group_near_duplicates()) return spec.group_near_duplicates().enabled();
  return spec.source_case() == DataSpec::kBusi || spec.source_case() == DataSpec::kKaggle;
}

absl::Status ValidateGrouping(const NearDuplicateGrouping& options) {
  if (options.max_distance() < 0 || options.max_distance() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("data.group_near_duplicates.max_distance must be in [0, 64], got ",
                     options.max_distance()));
  }
  if (!(options.max_group_fraction() > 0 && options.max_group_fraction() <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("data.group_near_duplicates.max_group_fraction must be in (0, 1], got ",
                     options.max_group_fraction()));
  }
  return absl::OkStatus();
}

absl::StatusOr<GroupingSummary> GroupNearDuplicates(const NearDuplicateGrouping& options,
                                                    Dataset* dataset) {
  if (absl::Status s = ValidateGrouping(options); !s.ok()) return s;
  std::vector<Example>& examples = dataset->examples;
  const int n = static_cast<int>(examples.size());
  GroupingSummary summary;
  summary.enabled = true;
  summary.max_distance = options.max_distance();
  summary.images = n;

  std::vector<std::string> patients;
  {
    std::set<std::string> unique;
    for (const Example& e : examples) unique.insert(e.patient);
    patients.assign(unique.begin(), unique.end());
    std::sort(patients.begin(), patients.end(), NaturalLess);
  }
  std::map<std::string, int> patient_index;
  for (int p = 0; p < static_cast<int>(patients.size()); ++p) patient_index[patients[p]] = p;
  std::vector<int> patient_of(n);
  std::vector<uint64_t> hashes(n);
  for (int i = 0; i < n; ++i) {
    patient_of[i] = patient_index.at(examples[i].patient);
    hashes[i] = DifferenceHash(examples[i].image);
  }
  const int num_patients = static_cast<int>(patients.size());

  std::vector<int> labels(n);
  for (int i = 0; i < n; ++i) labels[i] = examples[i].label;
  std::vector<bool> conflicted(n, false);
  const std::vector<int> image_root =
      ImageGroups(hashes, options.max_distance(), &labels, &conflicted);
  // A pair is a duplicate, never a chain: only units of 3 or more images can be refused.
  const double limit = std::max(2.0, options.max_group_fraction() * n);
  if (const LargestUnit unit = LargestMergedUnit(image_root, patient_of, num_patients);
      unit.images > limit) {
    int lower = -1;
    for (int d = options.max_distance() - 1; d >= 0; --d) {
      if (LargestMergedUnit(ImageGroups(hashes, d), patient_of, num_patients).images <= limit) {
        lower = d;
        break;
      }
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "data.group_near_duplicates: at max_distance %d one group of %d patients (from '%s') "
        "holds %d of %d images, more than max_group_fraction %g: a chain of similar images, not "
        "duplicates; %s",
        options.max_distance(), unit.patients, patients[unit.root], unit.images, n,
        options.max_group_fraction(),
        lower >= 0 ? absl::StrCat("lower max_distance to ", lower)
                   : std::string("even max_distance 0 does; raise max_group_fraction or set "
                                 "enabled: false")));
  }

  std::map<int, std::vector<int>> members;  // by root image, members in data set order
  for (int i = 0; i < n; ++i) members[image_root[i]].push_back(i);
  std::vector<bool> keep(n, true);
  const bool exclude = options.class_conflicts() != CLASS_CONFLICT_KEEP;
  for (const auto& [root, group] : members) {
    ++summary.groups_of_size[static_cast<int>(group.size())];
    std::vector<std::string> named;
    for (int i : group) {
      if (!conflicted[i]) continue;
      const int label = examples[i].label;
      const bool known = label >= 0 && label < static_cast<int>(dataset->class_names.size());
      named.push_back(absl::StrCat(examples[i].id, " (",
                                   known ? dataset->class_names[label] : absl::StrCat(label), ")"));
      if (exclude) {
        keep[i] = false;
        ++summary.excluded;
      }
    }
    if (!named.empty()) summary.conflicts.push_back(absl::StrJoin(named, ", "));
  }
  summary.groups = static_cast<int>(members.size());

  const std::vector<int> unit = Units(image_root, patient_of, keep, num_patients);
  std::vector<bool> has_kept(num_patients, false);
  for (int i = 0; i < n; ++i) {
    if (keep[i]) has_kept[patient_of[i]] = true;
  }
  std::vector<int> unit_size(num_patients, 0);
  for (int p = 0; p < num_patients; ++p) unit_size[unit[p]] += has_kept[p] ? 1 : 0;
  std::vector<std::string> new_id(num_patients);
  for (int p = 0; p < num_patients; ++p) {
    const int root = unit[p];
    if (unit_size[root] <= 1) {
      new_id[p] = patients[p];
      continue;
    }
    // The root is the unit's smallest index, i.e. its first patient in natural order.
    new_id[p] = absl::StrCat(patients[root], "+", unit_size[root] - 1);
    if (p == root) {
      ++summary.merged_units;
      summary.merged_patients += unit_size[root];
      if (patient_index.count(new_id[p])) {
        return absl::InvalidArgumentError(absl::StrCat("data.group_near_duplicates: the group id '",
                                                       new_id[p], "' is also a patient id"));
      }
    }
  }
  std::vector<Example> kept;
  kept.reserve(n);
  for (int i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    examples[i].patient = new_id[patient_of[i]];
    kept.push_back(std::move(examples[i]));
  }
  examples = std::move(kept);
  return summary;
}

std::vector<std::string> DescribeGrouping(const GroupingSummary& summary) {
  if (!summary.enabled) return {};
  std::vector<std::string> sizes;
  for (const auto& [size, count] : summary.groups_of_size) {
    sizes.push_back(absl::StrCat(count, count == 1 ? " group of " : " groups of ", size));
  }
  std::vector<std::string> lines = {
      absl::StrCat("near-duplicates (dHash, Hamming distance <= ", summary.max_distance,
                   "): ", summary.images, " images in ", summary.groups, " groups (",
                   absl::StrJoin(sizes, ", "), ")"),
      absl::StrCat("near-duplicates: ", summary.merged_patients, " patients merged into ",
                   summary.merged_units, " split units; ", summary.conflicts.size(),
                   " class conflicts, ", summary.excluded, " images excluded")};
  for (const std::string& conflict : summary.conflicts) {
    lines.push_back(absl::StrCat("class conflict: ", conflict));
  }
  return lines;
}

}  // namespace nerve_mtl::data
