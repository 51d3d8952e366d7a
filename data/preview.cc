// Writes a PNG mosaic of samples per class with the masks outlined, so a person can look at
// what the models see, and prints what near-duplicate grouping found:
//   bazel run //data:preview -- --out=DIR [--spec=FILE] [--per_class=N]
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/cli.h"
#include "common/textproto.h"
#include "data/data_spec.pb.h"
#include "data/image_io.h"
#include "data/load.h"
#include "data/mosaic.h"
#include "data/near_duplicates.h"

ABSL_FLAG(std::string, spec, "",
          "DataSpec text proto (data/data_spec.proto); empty: the phantom with its defaults");
ABSL_FLAG(std::string, out, "", "Directory for preview.png (created if missing)");
ABSL_FLAG(int, per_class, 6, "Examples shown per class");

namespace nerve_mtl::data {
namespace {

absl::Status Run(const std::string& spec_path, const std::string& out_dir, int per_class) {
  if (out_dir.empty()) return absl::InvalidArgumentError("--out is required");
  if (per_class < 1) {
    return absl::InvalidArgumentError(absl::StrCat("--per_class must be >= 1, got ", per_class));
  }
  DataSpec spec;
  if (!spec_path.empty()) {
    if (absl::Status s = ReadTextProtoFile(spec_path, &spec); !s.ok()) return s;
  }
  absl::StatusOr<LoadedData> data = LoadData(spec);
  if (!data.ok()) return data.status();
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) return absl::PermissionDeniedError(absl::StrCat(out_dir, ": ", error.message()));
  for (const std::string& line : DescribeGrouping(data->grouping)) std::cout << line << "\n";
  const std::string path = out_dir + "/preview.png";
  if (absl::Status s = WritePng(path, RenderMosaic(data->dataset, per_class)); !s.ok()) return s;
  std::cout << "wrote " << path << " (" << data->dataset.class_names.size() << " classes, "
            << data->dataset.examples.size() << " images, split "
            << data->split.train.size() << "/" << data->split.val.size() << "/"
            << data->split.test.size() << " train/val/test)" << std::endl;
  return absl::OkStatus();
}

}  // namespace
}  // namespace nerve_mtl::data

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes DIR/preview.png, a mosaic of samples per class with masks outlined, and prints\n"
      "the near-duplicate groups of the data.\n"
      "  bazel run //data:preview -- --out=DIR [--spec=FILE.textproto] [--per_class=N]");
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = nerve_mtl::data::Run(
      nerve_mtl::ResolveInputPath(absl::GetFlag(FLAGS_spec)),
      nerve_mtl::ResolveUserPath(absl::GetFlag(FLAGS_out)), absl::GetFlag(FLAGS_per_class));
  return status.ok() ? 0 : nerve_mtl::ReportFailure("preview", status);
}
