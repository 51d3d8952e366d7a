#ifndef NERVE_MTL_DATA_SPLIT_H_
#define NERVE_MTL_DATA_SPLIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// Patients of each part; every patient is in exactly one.
struct PatientSplit {
  std::vector<std::string> train;
  std::vector<std::string> val;
  std::vector<std::string> test;
};

// Indices into Dataset::examples, in dataset order.
struct SplitIndices {
  std::vector<int> train;
  std::vector<int> val;
  std::vector<int> test;
};

// Natural order: "p2" < "p10" (digit runs compare by value, then by text), the order patients
// and BUSI files are listed in.
bool NaturalLess(const std::string& a, const std::string& b);

// Assigns distinct patients to train/val/test as SplitSpec documents. The result depends only on
// the set of patients, the spec and the seed (not on the order patients are given in).
absl::StatusOr<PatientSplit> SplitPatients(std::vector<std::string> patients, const SplitSpec& spec,
                                           uint64_t seed);

// Splits a data set by patient. Fails if any part would be empty.
absl::StatusOr<SplitIndices> SplitByPatient(const Dataset& dataset, const SplitSpec& spec,
                                            uint64_t seed);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_SPLIT_H_
