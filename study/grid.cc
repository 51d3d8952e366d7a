#include "study/grid.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/proto_util.h"
#include "study/spec.h"

namespace nerve_mtl::study {
namespace {

struct Point {
  std::vector<std::string> labels;  // Of the non-pooled axes: the row.
  std::vector<std::string> replicate;  // Of the pooled axes.
  std::vector<const AxisValue*> values;  // One per axis, in axis order: the merge order.
};

absl::StatusOr<std::vector<Point>> Points(const Study& study) {
  std::vector<Point> points = {Point{}};
  if (study.axis_size() == 0) return points;
  for (int a = 0; a < study.axis_size(); ++a) {
    if (study.axis(a).value_size() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("study.axis[", a, "] (", study.axis(a).name(), ") has no values"));
    }
    if (study.axis(a).pooled() && study.combine() == ZIP) {
      // A zipped pooled axis would give every row one replicate: nothing to pool.
      return absl::InvalidArgumentError(absl::StrCat(
          "study.axis[", a, "] (", study.axis(a).name(), ") is pooled, which needs combine PRODUCT"));
    }
  }
  if (study.combine() == ZIP) {
    const int n = study.axis(0).value_size();
    for (const Axis& axis : study.axis()) {
      if (axis.value_size() != n) {
        return absl::InvalidArgumentError(absl::StrCat(
            "study.combine is ZIP but axis '", axis.name(), "' has ", axis.value_size(),
            " values and axis '", study.axis(0).name(), "' has ", n));
      }
    }
    points.assign(n, Point{});
    for (int i = 0; i < n; ++i) {
      for (const Axis& axis : study.axis()) {
        points[i].labels.push_back(axis.value(i).label());
        points[i].values.push_back(&axis.value(i));
      }
    }
    return points;
  }
  // Row axes first, pooled axes after them, so that the pooled ones vary fastest and a row's
  // trials stay together. Values still merge in the study's axis order.
  std::vector<int> order;
  for (bool pooled : {false, true}) {
    for (int a = 0; a < study.axis_size(); ++a) {
      if (study.axis(a).pooled() == pooled) order.push_back(a);
    }
  }
  points.front().values.resize(study.axis_size());
  for (int a : order) {
    const Axis& axis = study.axis(a);
    std::vector<Point> next;
    for (const Point& p : points) {
      for (const AxisValue& v : axis.value()) {
        Point q = p;
        (axis.pooled() ? q.replicate : q.labels).push_back(v.label());
        q.values[a] = &v;
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  return points;
}

}  // namespace

std::string TrialName(const Trial& trial) {
  return trial.replicate.empty() ? trial.label : absl::StrCat(trial.label, " (", trial.replicate, ")");
}

absl::StatusOr<std::vector<Trial>> ExpandStudy(const Study& study) {
  absl::StatusOr<std::vector<Point>> points = Points(study);
  if (!points.ok()) return points.status();
  std::vector<uint64_t> seeds(study.seed().begin(), study.seed().end());
  if (seeds.empty()) seeds.push_back(study.base().seed());
  std::vector<Trial> trials;
  std::map<std::string, std::string> name_of_id;
  for (const Point& point : *points) {
    Experiment experiment = study.base();
    for (const AxisValue* value : point.values) MergeReplacingRepeated(value->set(), &experiment);
    const std::string label = point.labels.empty() ? study.name() : absl::StrJoin(point.labels, " / ");
    experiment.set_name(label);
    if (absl::Status s = ValidateExperiment(experiment); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("trial '", label, "': ", s.message()));
    }
    for (uint64_t seed : seeds) {
      Trial trial;
      trial.label = label;
      trial.replicate = absl::StrJoin(point.replicate, " / ");
      trial.seed = seed;
      trial.experiment = experiment;
      trial.experiment.set_seed(seed);
      trial.id = TrialId(trial.experiment);
      const std::string name = TrialName(trial);
      auto [it, inserted] = name_of_id.emplace(trial.id, name);
      if (!inserted) {
        // Names are presentation only: two labels for one experiment are a mistake.
        return absl::InvalidArgumentError(absl::StrCat("trials '", it->second, "' and '", name,
                                                       "' are the same experiment (seed ", seed,
                                                       ")"));
      }
      trials.push_back(std::move(trial));
    }
  }
  return trials;
}

absl::Status ParseShard(const std::string& text, int* index, int* count) {
  const std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], index) ||
      !absl::SimpleAtoi(parts[1], count) || *count < 1 || *index < 0 || *index >= *count) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard must be i/n with 0 <= i < n, got '", text, "'"));
  }
  return absl::OkStatus();
}

std::vector<Trial> ShardTrials(const std::vector<Trial>& trials, int index, int count) {
  std::vector<Trial> share;
  for (size_t i = index; i < trials.size(); i += count) share.push_back(trials[i]);
  return share;
}

}  // namespace nerve_mtl::study
