#include "data/split.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "data/random.h"

namespace nerve_mtl::data {
namespace {

constexpr uint64_t kSplitStream = 0x5b117;

}  // namespace

// "p2" < "p10": patients compare by embedded numbers so listings read naturally.
bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      const std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      const size_t za = na.find_first_not_of('0'), zb = nb.find_first_not_of('0');
      const std::string ta = za == std::string::npos ? "" : na.substr(za);
      const std::string tb = zb == std::string::npos ? "" : nb.substr(zb);
      if (ta.size() != tb.size()) return ta.size() < tb.size();
      if (ta != tb) return ta < tb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

namespace {

void SortNatural(std::vector<std::string>* v) { std::sort(v->begin(), v->end(), NaturalLess); }

// Fisher-Yates with our own generator, so the split is the same on every machine.
void Shuffle(std::vector<std::string>* v, uint64_t seed) {
  Rng rng(DeriveSeed(seed, {kSplitStream}));
  for (size_t i = v->size(); i > 1; --i) {
    std::swap((*v)[i - 1], (*v)[rng.UniformInt(i)]);
  }
}

absl::StatusOr<PatientSplit> Holdout(const std::vector<std::string>& patients,
                                     const PatientHoldout& spec, uint64_t seed) {
  PatientSplit split;
  if (spec.val_size() > 0 || spec.test_size() > 0) {
    if (spec.val_size() == 0 || spec.test_size() == 0) {
      return absl::InvalidArgumentError(
          "split.holdout: give both val and test patients, or neither");
    }
    const std::set<std::string> known(patients.begin(), patients.end());
    std::map<std::string, std::string> part_of;
    auto assign = [&](const auto& listed, const std::string& name,
                      std::vector<std::string>* out) -> absl::Status {
      for (const std::string& p : listed) {
        if (!known.count(p)) {
          return absl::InvalidArgumentError(
              absl::StrCat("split.holdout.", name, ": unknown patient '", p, "'"));
        }
        auto [it, inserted] = part_of.emplace(p, name);
        if (!inserted) {
          return absl::InvalidArgumentError(absl::StrCat(
              "split.holdout: patient '", p, "' is in both ", it->second, " and ", name));
        }
        out->push_back(p);
      }
      return absl::OkStatus();
    };
    if (absl::Status s = assign(spec.val(), "val", &split.val); !s.ok()) return s;
    if (absl::Status s = assign(spec.test(), "test", &split.test); !s.ok()) return s;
    for (const std::string& p : patients) {
      if (!part_of.count(p)) split.train.push_back(p);
    }
    return split;
  }
  for (const auto& [name, f] : {std::pair<const char*, double>{"val_fraction", spec.val_fraction()},
                                {"test_fraction", spec.test_fraction()}}) {
    if (!(f > 0.0 && f < 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("split.holdout.", name, " must be in (0, 1), got ", f));
    }
  }
  const int n = static_cast<int>(patients.size());
  const int n_val = std::max(1, static_cast<int>(std::lround(spec.val_fraction() * n)));
  const int n_test = std::max(1, static_cast<int>(std::lround(spec.test_fraction() * n)));
  if (n_val + n_test >= n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split.holdout: ", n, " patients leave none for training after ", n_val,
        " validation and ", n_test, " test patients"));
  }
  std::vector<std::string> order = patients;
  Shuffle(&order, seed);
  split.test.assign(order.begin(), order.begin() + n_test);
  split.val.assign(order.begin() + n_test, order.begin() + n_test + n_val);
  split.train.assign(order.begin() + n_test + n_val, order.end());
  return split;
}

absl::StatusOr<PatientSplit> KFoldSplit(const std::vector<std::string>& patients,
                                        const KFold& spec, uint64_t seed) {
  const int n = static_cast<int>(patients.size());
  const int k = spec.folds();
  if (k < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split.kfold.folds must be >= 3 (test, validation and training folds), got ", k));
  }
  if (k > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("split.kfold.folds is ", k, " but there are only ", n, " patients"));
  }
  if (spec.fold() < 0 || spec.fold() >= k) {
    return absl::InvalidArgumentError(
        absl::StrCat("split.kfold.fold must be in [0, ", k, "), got ", spec.fold()));
  }
  std::vector<std::string> order = patients;
  Shuffle(&order, seed);
  // Position i belongs to fold i*k/n: fold sizes differ by at most one.
  std::vector<int> fold_of(n);
  std::vector<int> fold_size(k, 0);
  for (int i = 0; i < n; ++i) {
    fold_of[i] = static_cast<int>((static_cast<int64_t>(i) * k) / n);
    ++fold_size[fold_of[i]];
  }
  const int val_fold = (spec.fold() + 1) % k;
  if (spec.val_patients() < 0 || spec.val_patients() > fold_size[val_fold]) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split.kfold.val_patients must be in [0, ", fold_size[val_fold], "] (the size of fold ",
        val_fold, "), got ", spec.val_patients()));
  }
  const int val_patients = spec.val_patients() == 0 ? fold_size[val_fold] : spec.val_patients();
  PatientSplit split;
  int taken_for_val = 0;
  for (int i = 0; i < n; ++i) {
    const int f = fold_of[i];
    if (f == spec.fold()) {
      split.test.push_back(order[i]);
    } else if (f == val_fold && taken_for_val < val_patients) {
      split.val.push_back(order[i]);
      ++taken_for_val;
    } else {
      split.train.push_back(order[i]);
    }
  }
  return split;
}

}  // namespace

absl::StatusOr<PatientSplit> SplitPatients(std::vector<std::string> patients, const SplitSpec& spec,
                                           uint64_t seed) {
  SortNatural(&patients);
  if (std::adjacent_find(patients.begin(), patients.end()) != patients.end()) {
    return absl::InvalidArgumentError("split: patient list has duplicates");
  }
  if (patients.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "split: need at least 3 patients for train, validation and test, got ", patients.size(),
        patients.empty() ? "" : absl::StrCat(" (", absl::StrJoin(patients, ", "), ")")));
  }
  absl::StatusOr<PatientSplit> split =
      spec.kind_case() == SplitSpec::kKfold ? KFoldSplit(patients, spec.kfold(), seed)
                                            : Holdout(patients, spec.holdout(), seed);
  if (!split.ok()) return split;
  for (std::vector<std::string>* part : {&split->train, &split->val, &split->test}) {
    SortNatural(part);
  }
  return split;
}

absl::StatusOr<SplitIndices> SplitByPatient(const Dataset& dataset, const SplitSpec& spec,
                                            uint64_t seed) {
  std::set<std::string> unique;
  for (const Example& e : dataset.examples) unique.insert(e.patient);
  absl::StatusOr<PatientSplit> split =
      SplitPatients(std::vector<std::string>(unique.begin(), unique.end()), spec, seed);
  if (!split.ok()) return split.status();
  std::map<std::string, int> part;
  for (const std::string& p : split->train) part[p] = 0;
  for (const std::string& p : split->val) part[p] = 1;
  for (const std::string& p : split->test) part[p] = 2;
  SplitIndices indices;
  for (int i = 0; i < static_cast<int>(dataset.examples.size()); ++i) {
    const int which = part.at(dataset.examples[i].patient);
    (which == 0 ? indices.train : which == 1 ? indices.val : indices.test).push_back(i);
  }
  return indices;
}

}  // namespace nerve_mtl::data
