#include "study/train_flags.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/proto_util.h"
#include "common/textproto.h"
#include "study/grid.h"
#include "study/spec.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {
namespace {

absl::Status Conflict(const std::string& flag, const std::string& other, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " does not apply with ", other, ": ", why));
}

absl::StatusOr<Experiment> FromStudy(const std::string& path, const std::string& row) {
  Study study;
  if (absl::Status s = ReadTextProtoFile(path, &study); !s.ok()) return s;
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
  if (!trials.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", trials.status().message()));
  std::vector<std::string> labels;
  for (const Trial& t : *trials) {
    if (t.label == row) return t.experiment;
    if (labels.empty() || labels.back() != t.label) labels.push_back(t.label);
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": no row '", row, "' (rows: ",
                                                 absl::StrJoin(labels, "; "), ")"));
}

}  // namespace

absl::Status CheckTrainRequest(const TrainRequest& r) {
  if (!r.rerun.empty()) {
    const std::string why = "a rerun trains the trial's own experiment.textproto";
    if (!r.spec.empty()) return Conflict("--spec", "--rerun", why);
    if (!r.study.empty()) return Conflict("--study", "--rerun", why);
    if (!r.row.empty()) return Conflict("--row", "--rerun", why);
    if (!r.overrides.empty()) return Conflict("--override", "--rerun", why);
    if (!(r.tolerance >= 0)) {
      return absl::InvalidArgumentError(absl::StrCat("--tolerance must be >= 0, got ", r.tolerance));
    }
    return absl::OkStatus();
  }
  if (r.tolerance != 0) {
    return Conflict("--tolerance", r.spec.empty() ? "--study" : "--spec",
                    "it bounds a --rerun's differences");
  }
  if (!r.spec.empty() && !r.study.empty()) {
    return Conflict("--spec", "--study", "give one experiment, a spec file or a study row");
  }
  if (!r.spec.empty() && !r.row.empty()) {
    return Conflict("--row", "--spec", "--row picks a row of a --study");
  }
  if (r.spec.empty() && r.study.empty()) {
    return absl::InvalidArgumentError("give --spec, --study with --row, or --rerun");
  }
  if (!r.study.empty() && r.row.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--study=", r.study, " needs --row"));
  }
  if (r.out.empty()) return absl::InvalidArgumentError("--out is required");
  return absl::OkStatus();
}

absl::StatusOr<Experiment> RequestedExperiment(const TrainRequest& r) {
  if (!r.spec.empty()) return LoadExperiment(r.spec, r.overrides);
  absl::StatusOr<Experiment> experiment = FromStudy(r.study, r.row);
  if (!experiment.ok()) return experiment.status();
  for (size_t i = 0; i < r.overrides.size(); ++i) {
    Experiment layer;
    if (absl::Status s = ParseTextProto(r.overrides[i], absl::StrCat("override ", i + 1), &layer);
        !s.ok()) {
      return s;
    }
    MergeReplacingRepeated(layer, &*experiment);
  }
  if (absl::Status s = ValidateExperiment(*experiment); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(r.study, ": row '", r.row, "'", r.overrides.empty() ? "" : " with --override",
                     ": ", s.message()));
  }
  return experiment;
}

absl::Status CheckPretrainedDir(const TrainRequest& r, const Experiment& experiment,
                                bool pretrains) {
  if (r.pretrained_dir.empty() || pretrains) return absl::OkStatus();
  return Conflict("--pretrained_dir", absl::StrCat("model '", experiment.model().name(), "'"),
                  "it has no pretrained branches");
}

}  // namespace nerve_mtl::study
