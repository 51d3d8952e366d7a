#ifndef NERVE_MTL_DATA_LOAD_H_
#define NERVE_MTL_DATA_LOAD_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/near_duplicates.h"
#include "data/split.h"

namespace nerve_mtl::data {

// A data set at the spec's size, and its split by patient.
struct LoadedData {
  Dataset dataset;
  SplitIndices split;
  // What near-duplicate grouping found (enabled false when it did not run); binaries print
  // DescribeGrouping(grouping) to their log.
  GroupingSummary grouping;
};

// Checks every field of a DataSpec that can be wrong on its own, naming the field.
absl::Status ValidateDataSpec(const DataSpec& spec);

// Generates or reads the data the spec describes (phantom by default), groups near-duplicates
// when GroupingEnabled(spec) (patients rewritten, class conflicts possibly excluded; see
// data/near_duplicates.h), then splits it. A Kaggle or BUSI folder or a manifest path starting
// with "//" is relative to the workspace root (ResolveUserPath, common/cli.h): the downloaded
// sets' studies name "//datasets/...".
absl::StatusOr<LoadedData> LoadData(const DataSpec& spec);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_LOAD_H_
