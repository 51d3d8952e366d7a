#include "reports/paired.h"

#include <cmath>
#include <map>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "stats/bootstrap.h"
#include "stats/holm.h"
#include "stats/wilcoxon.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

// One image's value, averaged over a row's seeds, and its patient.
struct ImageValue {
  double value = 0;
  std::string patient;
};

absl::StatusOr<std::vector<double>> Values(const Result& r, PerImage value) {
  const study::SplitMetrics& t = r.test();
  if (value == PerImage::kDice) return std::vector<double>(t.image_dice().begin(), t.image_dice().end());
  if (t.image_true_label_size() != t.image_predicted_label_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("trial ", r.trial_id(), ": test has ", t.image_true_label_size(),
                     " true labels but ", t.image_predicted_label_size(), " predicted labels"));
  }
  std::vector<double> correct;
  for (int i = 0; i < t.image_true_label_size(); ++i) {
    correct.push_back(t.image_true_label(i) == t.image_predicted_label(i) ? 1.0 : 0.0);
  }
  return correct;
}

// Per test image id, the mean over the trials of its value. With cross-validation each image is
// a test image of one fold, so it averages that fold's seeds.
absl::StatusOr<std::map<std::string, ImageValue>> PerImageMeans(
    const std::vector<const Result*>& trials, PerImage value) {
  std::map<std::string, std::pair<double, int>> sums;
  std::map<std::string, std::string> patients;
  for (const Result* r : trials) {
    absl::StatusOr<std::vector<double>> values = Values(*r, value);
    if (!values.ok()) return values.status();
    if (values->empty()) continue;
    const study::SplitMetrics& t = r->test();
    if (static_cast<int>(values->size()) != t.image_id_size()) {
      return absl::InvalidArgumentError(absl::StrCat("trial ", r->trial_id(), ": test has ",
                                                     t.image_id_size(), " image ids but ",
                                                     values->size(), " per-image values"));
    }
    const bool has_patients = t.image_patient_size() == t.image_id_size();
    for (int i = 0; i < t.image_id_size(); ++i) {
      auto& [sum, count] = sums[t.image_id(i)];
      sum += (*values)[i];
      ++count;
      if (has_patients) patients[t.image_id(i)] = t.image_patient(i);
    }
  }
  std::map<std::string, ImageValue> means;
  for (const auto& [id, sum_count] : sums) {
    auto it = patients.find(id);
    means[id] = {sum_count.first / sum_count.second, it == patients.end() ? "" : it->second};
  }
  return means;
}

absl::Status Compare(const std::map<std::string, ImageValue>& base,
                     const std::map<std::string, ImageValue>& mine, Row* row) {
  std::vector<double> a, b, differences;
  std::vector<std::string> patients;
  bool every_patient_known = true;
  for (const auto& [id, baseline_value] : base) {
    auto it = mine.find(id);
    if (it == mine.end()) continue;
    a.push_back(it->second.value);
    b.push_back(baseline_value.value);
    differences.push_back(it->second.value - baseline_value.value);
    patients.push_back(baseline_value.patient);
    every_patient_known = every_patient_known && !baseline_value.patient.empty();
  }
  row->paired_images = static_cast<int>(a.size());
  if (a.empty()) return absl::OkStatus();
  absl::StatusOr<stats::WilcoxonResult> test = stats::WilcoxonSignedRank(a, b);
  if (!test.ok()) return test.status();
  row->p_value = test->p_value;
  // Results written before patients were recorded get the test but no interval.
  if (!every_patient_known) return absl::OkStatus();
  absl::StatusOr<stats::BootstrapInterval> interval = stats::ClusterBootstrapMean(
      differences, patients, kBootstrapResamples, kBootstrapSeed);
  if (!interval.ok()) return interval.status();
  row->difference = interval->mean;
  row->paired_patients = interval->clusters;
  // Resampling one patient always draws the same images: that is no interval, not a narrow one.
  if (interval->clusters >= 2) {
    row->difference_low = interval->low;
    row->difference_high = interval->high;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AddPairedComparisons(const TrialsOf& trials, const IsBaseline& is_baseline,
                                  PerImage value, Table* table) {
  Row* baseline = nullptr;
  for (Row& row : table->rows) {
    if (is_baseline(*trials(row.label).front())) {
      baseline = &row;
      break;
    }
  }
  if (baseline == nullptr) return absl::OkStatus();
  baseline->baseline = true;
  table->baseline = baseline->label;
  absl::StatusOr<std::map<std::string, ImageValue>> base =
      PerImageMeans(trials(baseline->label), value);
  if (!base.ok()) return base.status();
  baseline->paired_images = static_cast<int>(base->size());
  std::vector<Row*> tested;
  for (Row& row : table->rows) {
    if (&row == baseline) continue;
    absl::StatusOr<std::map<std::string, ImageValue>> mine = PerImageMeans(trials(row.label), value);
    absl::Status status = mine.ok() ? Compare(*base, *mine, &row) : mine.status();
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(table->name, " table, row '", row.label, "': ", status.message()));
    }
    if (!std::isnan(row.p_value)) tested.push_back(&row);
  }
  std::vector<double> p;
  for (const Row* row : tested) p.push_back(row->p_value);
  absl::StatusOr<std::vector<double>> holm = stats::HolmAdjust(p);
  if (!holm.ok()) return holm.status();
  for (size_t i = 0; i < tested.size(); ++i) tested[i]->p_holm = (*holm)[i];
  return absl::OkStatus();
}

}  // namespace nerve_mtl::reports
