#include "data/load.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/cli.h"
#include "data/busi.h"
#include "data/kaggle.h"
#include "data/manifest.h"
#include "data/near_duplicates.h"
#include "data/phantom.h"
#include "data/transforms.h"

namespace nerve_mtl::data {
namespace {

// A downloaded set's folder or manifest named "//datasets/..." lies under the workspace root
// (common/cli.h), so a study file can name where the README says to unpack it and its trial ids
// stay the same on every machine (docs/DESIGN.md §5). Other paths are used as written.
std::string Located(const std::string& path) {
  return path.rfind("//", 0) == 0 ? ResolveUserPath(path) : path;
}

DataSpec WithLocatedSource(DataSpec spec) {
  switch (spec.source_case()) {
    case DataSpec::kKaggle:
      spec.mutable_kaggle()->set_directory(Located(spec.kaggle().directory()));
      break;
    case DataSpec::kBusi:
      spec.mutable_busi()->set_directory(Located(spec.busi().directory()));
      break;
    case DataSpec::kManifest:
      spec.mutable_manifest()->set_path(Located(spec.manifest().path()));
      break;
    default:
      break;
  }
  return spec;
}

// The file or folder an error about the data as a whole should name first.
std::string SourcePath(const DataSpec& spec) {
  switch (spec.source_case()) {
    case DataSpec::kKaggle:
      return spec.kaggle().directory();
    case DataSpec::kBusi:
      return spec.busi().directory();
    case DataSpec::kManifest:
      return spec.manifest().path();
    default:
      return "";
  }
}

}  // namespace

absl::Status ValidateDataSpec(const DataSpec& spec) {
  if (spec.height() < 16 || spec.width() < 16) {
    return absl::InvalidArgumentError(absl::StrCat("data.height and data.width must be >= 16, got ",
                                                   spec.height(), "x", spec.width()));
  }
  if (spec.channels() < 1 || spec.channels() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("data.channels must be in [1, 64], got ", spec.channels()));
  }
  if (spec.source_case() == DataSpec::kKaggle && spec.kaggle().directory().empty()) {
    return absl::InvalidArgumentError("data.kaggle.directory is required");
  }
  if (spec.source_case() == DataSpec::kBusi && spec.busi().directory().empty()) {
    return absl::InvalidArgumentError("data.busi.directory is required");
  }
  if (spec.source_case() == DataSpec::kManifest && spec.manifest().path().empty()) {
    return absl::InvalidArgumentError("data.manifest.path is required");
  }
  if (absl::Status s = ValidateGrouping(spec.group_near_duplicates()); !s.ok()) return s;
  if (absl::Status s = ValidateAugmentation(spec.augmentation()); !s.ok()) return s;
  return ValidateNormalization(spec.normalization());
}

absl::StatusOr<LoadedData> LoadData(const DataSpec& requested) {
  if (absl::Status s = ValidateDataSpec(requested); !s.ok()) return s;
  const DataSpec spec = WithLocatedSource(requested);
  absl::StatusOr<Dataset> dataset;
  switch (spec.source_case()) {
    case DataSpec::kKaggle:
      dataset = LoadKaggle(spec.kaggle(), spec.height(), spec.width(), spec.channels(),
                           spec.resize());
      break;
    case DataSpec::kBusi:
      dataset = LoadBusi(spec.busi(), spec.height(), spec.width(), spec.channels(), spec.resize());
      break;
    case DataSpec::kManifest:
      dataset = LoadManifest(spec.manifest(), spec.height(), spec.width(), spec.channels(),
                             spec.resize());
      break;
    case DataSpec::kPhantom:
    case DataSpec::SOURCE_NOT_SET:
      dataset = GeneratePhantom(spec.phantom(), spec.height(), spec.width(), spec.channels(),
                                spec.seed());
      break;
  }
  if (!dataset.ok()) return dataset.status();
  if (dataset->examples.empty()) return absl::InvalidArgumentError("data: the data set is empty");
  GroupingSummary grouping;
  if (GroupingEnabled(spec)) {
    absl::StatusOr<GroupingSummary> grouped =
        GroupNearDuplicates(spec.group_near_duplicates(), &*dataset);
    if (!grouped.ok()) {
      const std::string path = SourcePath(spec);
      if (path.empty()) return grouped.status();
      return absl::Status(grouped.status().code(),
                          absl::StrCat(path, ": ", grouped.status().message()));
    }
    grouping = *std::move(grouped);
  }
  absl::StatusOr<SplitIndices> split = SplitByPatient(*dataset, spec.split(), spec.seed());
  if (!split.ok()) return split.status();
  return LoadedData{*std::move(dataset), *std::move(split), std::move(grouping)};
}

}  // namespace nerve_mtl::data
