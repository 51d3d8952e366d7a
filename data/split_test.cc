#include "data/split.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> Patients(int n) {
  std::vector<std::string> p;
  for (int i = 1; i <= n; ++i) p.push_back("p" + std::to_string(i));
  return p;
}

// Every patient in exactly one part.
void ExpectPartition(const PatientSplit& s, const std::vector<std::string>& patients) {
  std::vector<std::string> all;
  for (const auto* part : {&s.train, &s.val, &s.test}) all.insert(all.end(), part->begin(), part->end());
  EXPECT_THAT(all, UnorderedElementsAreArray(patients));
  EXPECT_FALSE(s.train.empty());
  EXPECT_FALSE(s.val.empty());
  EXPECT_FALSE(s.test.empty());
}

TEST(SplitPatientsTest, DefaultHoldoutOfTwelveIsTenOneOne) {
  auto s = SplitPatients(Patients(12), SplitSpec(), 0);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->train.size(), 10u);
  EXPECT_EQ(s->val.size(), 1u);
  EXPECT_EQ(s->test.size(), 1u);
  ExpectPartition(*s, Patients(12));
}

TEST(SplitPatientsTest, SeededAndOrderIndependent) {
  std::vector<std::string> reversed = Patients(20);
  std::reverse(reversed.begin(), reversed.end());
  auto a = SplitPatients(Patients(20), SplitSpec(), 7);
  auto b = SplitPatients(reversed, SplitSpec(), 7);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->train, b->train);
  EXPECT_EQ(a->test, b->test);
  bool differs = false;
  for (uint64_t seed = 8; seed < 16 && !differs; ++seed) {
    differs = SplitPatients(Patients(20), SplitSpec(), seed)->test != a->test;
  }
  EXPECT_TRUE(differs) << "the seed should move patients between parts";
}

TEST(SplitPatientsTest, ExplicitListsAndNaturalOrder) {
  SplitSpec spec;
  spec.mutable_holdout()->add_val("p11");
  spec.mutable_holdout()->add_test("p12");
  auto s = SplitPatients(Patients(12), spec, 0);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->train, ElementsAre("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"));
  EXPECT_THAT(s->val, ElementsAre("p11"));
  EXPECT_THAT(s->test, ElementsAre("p12"));
}

TEST(SplitPatientsTest, KFoldTestFoldsCoverEveryPatientOnce) {
  const auto patients = Patients(12);
  std::multiset<std::string> tested;
  for (int fold = 0; fold < 5; ++fold) {
    SplitSpec spec;
    spec.mutable_kfold()->set_folds(5);
    spec.mutable_kfold()->set_fold(fold);
    auto s = SplitPatients(patients, spec, 3);
    ASSERT_TRUE(s.ok()) << s.status();
    ExpectPartition(*s, patients);
    EXPECT_GE(s->test.size(), 2u);
    EXPECT_LE(s->test.size(), 3u);
    tested.insert(s->test.begin(), s->test.end());
  }
  EXPECT_THAT(tested, UnorderedElementsAreArray(patients));
}

// The study's cross-validation: 12 patients, 4 folds of 3 test patients, 1 validation patient
// from the next fold, 8 training patients; every patient tested once and validated at most once.
TEST(SplitPatientsTest, KFoldWithOneValidationPatient) {
  const auto patients = Patients(12);
  std::multiset<std::string> tested, validated;
  for (int fold = 0; fold < 4; ++fold) {
    SplitSpec spec;
    spec.mutable_kfold()->set_folds(4);
    spec.mutable_kfold()->set_fold(fold);
    spec.mutable_kfold()->set_val_patients(1);
    auto s = SplitPatients(patients, spec, 5);
    ASSERT_TRUE(s.ok()) << s.status();
    ExpectPartition(*s, patients);
    EXPECT_EQ(s->test.size(), 3u);
    EXPECT_EQ(s->val.size(), 1u);
    EXPECT_EQ(s->train.size(), 8u);
    tested.insert(s->test.begin(), s->test.end());
    validated.insert(s->val.begin(), s->val.end());
    // The validation patient comes from the fold tested next.
    SplitSpec next = spec;
    next.mutable_kfold()->set_fold((fold + 1) % 4);
    next.mutable_kfold()->clear_val_patients();
    auto n = SplitPatients(patients, next, 5);
    ASSERT_TRUE(n.ok());
    EXPECT_THAT(n->test, testing::Contains(s->val[0]));
  }
  EXPECT_THAT(tested, UnorderedElementsAreArray(patients));
  EXPECT_EQ(validated.size(), 4u);
  EXPECT_EQ(std::set<std::string>(validated.begin(), validated.end()).size(), 4u);
}

TEST(SplitPatientsTest, KFoldRefusesMoreValidationPatientsThanTheNextFoldHas) {
  SplitSpec spec;
  spec.mutable_kfold()->set_folds(4);
  spec.mutable_kfold()->set_val_patients(4);
  EXPECT_THAT(SplitPatients(Patients(12), spec, 0).status().message(),
              HasSubstr("split.kfold.val_patients must be in [0, 3] (the size of fold 1), got 4"));
}

TEST(SplitPatientsTest, BadSpecsNameTheField) {
  SplitSpec both;
  both.mutable_holdout()->add_val("p1");
  both.mutable_holdout()->add_test("p1");
  EXPECT_THAT(SplitPatients(Patients(5), both, 0).status().message(),
              HasSubstr("patient 'p1' is in both val and test"));

  SplitSpec unknown;
  unknown.mutable_holdout()->add_val("p1");
  unknown.mutable_holdout()->add_test("p99");
  EXPECT_THAT(SplitPatients(Patients(5), unknown, 0).status().message(),
              HasSubstr("split.holdout.test: unknown patient 'p99'"));

  SplitSpec only_val;
  only_val.mutable_holdout()->add_val("p1");
  EXPECT_FALSE(SplitPatients(Patients(5), only_val, 0).ok());

  SplitSpec fraction;
  fraction.mutable_holdout()->set_test_fraction(1.5);
  EXPECT_THAT(SplitPatients(Patients(5), fraction, 0).status().message(),
              HasSubstr("split.holdout.test_fraction must be in (0, 1), got 1.5"));

  SplitSpec folds;
  folds.mutable_kfold()->set_folds(6);
  EXPECT_THAT(SplitPatients(Patients(5), folds, 0).status().message(),
              HasSubstr("split.kfold.folds is 6 but there are only 5 patients"));

  SplitSpec fold;
  fold.mutable_kfold()->set_fold(5);
  EXPECT_THAT(SplitPatients(Patients(5), fold, 0).status().message(),
              HasSubstr("split.kfold.fold must be in [0, 5), got 5"));

  EXPECT_THAT(SplitPatients(Patients(2), SplitSpec(), 0).status().message(),
              HasSubstr("need at least 3 patients"));
  EXPECT_THAT(SplitPatients({"a", "b", "a"}, SplitSpec(), 0).status().message(),
              HasSubstr("duplicates"));
}

TEST(SplitByPatientTest, NoPatientLeaksAcrossParts) {
  Dataset d;
  for (int i = 0; i < 200; ++i) {
    Example e;
    e.patient = "s" + std::to_string((i * 7) % 23);
    d.examples.push_back(e);
  }
  for (uint64_t seed = 0; seed < 10; ++seed) {
    auto s = SplitByPatient(d, SplitSpec(), seed);
    ASSERT_TRUE(s.ok()) << s.status();
    std::set<std::string> train, val, test;
    for (int i : s->train) train.insert(d.examples[i].patient);
    for (int i : s->val) val.insert(d.examples[i].patient);
    for (int i : s->test) test.insert(d.examples[i].patient);
    for (const std::string& p : train) {
      EXPECT_FALSE(val.count(p) || test.count(p)) << p << " leaks out of train";
    }
    for (const std::string& p : val) EXPECT_FALSE(test.count(p)) << p << " in val and test";
    EXPECT_EQ(s->train.size() + s->val.size() + s->test.size(), d.examples.size());
  }
}

}  // namespace
}  // namespace nerve_mtl::data
