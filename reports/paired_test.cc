#include "reports/paired.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reports/tables.h"
#include "trial/result.pb.h"

namespace nerve_mtl::reports {
namespace {

using study::Result;

// A trial of `model` with per-image test Dice on images i1, i2 (patient A) and i3 (patient B),
// and i4 (patient B) when four values are given.
Result Trial(const std::string& model, const std::vector<double>& dice, bool patients = true) {
  Result r;
  r.mutable_experiment()->mutable_model()->set_name(model);
  const std::vector<std::string> ids = {"i1", "i2", "i3", "i4"};
  const std::vector<std::string> patient = {"A", "A", "B", "B"};
  for (size_t i = 0; i < dice.size(); ++i) {
    r.mutable_test()->add_image_id(ids[i]);
    r.mutable_test()->add_image_dice(dice[i]);
    if (patients) r.mutable_test()->add_image_patient(patient[i]);
  }
  return r;
}

Table ThreeRows() {
  Table table;
  table.name = "segmentation";
  for (const char* label : {"QuickNAT", "Better", "Worse"}) {
    Row row;
    row.label = label;
    table.rows.push_back(row);
  }
  return table;
}

bool IsQuickNat(const Result& r) { return r.experiment().model().name() == "quicknat"; }

// Baseline 0.5 on every image; "Better" is 0.1, 0.2, 0.3 above it on i1..i3, "Worse" 0.1, 0.05,
// 0.2 below. Each has three nonzero differences of one sign and no ties: exact Wilcoxon
// p = 2 * (1/8) = 0.25, and Holm over the two gives 2 * 0.25 = 0.5 for both. Better's mean
// difference is 0.2; resampling the two patients gives AA (mean 0.15) with probability 1/4,
// AB/BA (0.2) with 1/2, BB (0.3) with 1/4, so its 95% interval is [0.15, 0.3].
TEST(PairedTest, WilcoxonHolmAndAPatientBootstrapByHand) {
  std::map<std::string, std::vector<Result>> results;
  results["QuickNAT"] = {Trial("quicknat", {0.5, 0.5, 0.5, 0.5})};
  results["Better"] = {Trial("quickfcn", {0.6, 0.7, 0.8})};
  results["Worse"] = {Trial("quickfcn", {0.4, 0.45, 0.3})};
  std::map<std::string, std::vector<const Result*>> pointers;
  for (const auto& [label, trials] : results) {
    for (const Result& r : trials) pointers[label].push_back(&r);
  }
  Table table = ThreeRows();
  ASSERT_TRUE(AddPairedComparisons(
                  [&](const std::string& label) -> const std::vector<const Result*>& {
                    return pointers.at(label);
                  },
                  IsQuickNat, PerImage::kDice, &table)
                  .ok());
  EXPECT_EQ(table.baseline, "QuickNAT");
  EXPECT_TRUE(table.rows[0].baseline);
  EXPECT_TRUE(std::isnan(table.rows[0].p_value));
  const Row& better = table.rows[1];
  EXPECT_EQ(better.paired_images, 3);  // i4 has no partner.
  EXPECT_EQ(better.paired_patients, 2);
  EXPECT_DOUBLE_EQ(better.p_value, 0.25);
  EXPECT_DOUBLE_EQ(better.p_holm, 0.5);
  EXPECT_NEAR(better.difference, 0.2, 1e-12);
  EXPECT_NEAR(better.difference_low, 0.15, 1e-12);
  EXPECT_NEAR(better.difference_high, 0.3, 1e-12);
  const Row& worse = table.rows[2];
  EXPECT_DOUBLE_EQ(worse.p_value, 0.25);
  EXPECT_DOUBLE_EQ(worse.p_holm, 0.5);
  EXPECT_NEAR(worse.difference, -0.35 / 3, 1e-12);
}

TEST(PairedTest, OnePatientGivesTheMeanButNoInterval) {
  Result base = Trial("quicknat", {0.5, 0.5});  // i1, i2: both patient A.
  Result mine = Trial("quickfcn", {0.6, 0.8});
  const std::vector<const Result*> base_trials = {&base}, my_trials = {&mine};
  Table table = ThreeRows();
  table.rows.pop_back();
  ASSERT_TRUE(AddPairedComparisons(
                  [&](const std::string& label) -> const std::vector<const Result*>& {
                    return label == "QuickNAT" ? base_trials : my_trials;
                  },
                  IsQuickNat, PerImage::kDice, &table)
                  .ok());
  EXPECT_NEAR(table.rows[1].difference, 0.2, 1e-12);
  EXPECT_EQ(table.rows[1].paired_patients, 1);
  EXPECT_TRUE(std::isnan(table.rows[1].difference_low));
  EXPECT_TRUE(std::isnan(table.rows[1].difference_high));
}

TEST(PairedTest, ResultsWithoutPatientsGetTheTestButNoInterval) {
  const Result base = Trial("quicknat", {0.5, 0.5, 0.5}, false);
  const Result mine = Trial("quickfcn", {0.6, 0.7, 0.8}, false);
  const std::vector<const Result*> base_trials = {&base}, my_trials = {&mine};
  Table table = ThreeRows();
  table.rows.pop_back();
  ASSERT_TRUE(AddPairedComparisons(
                  [&](const std::string& label) -> const std::vector<const Result*>& {
                    return label == "QuickNAT" ? base_trials : my_trials;
                  },
                  IsQuickNat, PerImage::kDice, &table)
                  .ok());
  EXPECT_DOUBLE_EQ(table.rows[1].p_value, 0.25);
  EXPECT_DOUBLE_EQ(table.rows[1].p_holm, 0.25);  // One comparison: nothing to correct.
  EXPECT_TRUE(std::isnan(table.rows[1].difference));
  EXPECT_EQ(table.rows[1].paired_patients, 0);
}

}  // namespace
}  // namespace nerve_mtl::reports
