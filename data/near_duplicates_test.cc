#include "data/near_duplicates.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/proto_util.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/perceptual_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A 9x8 image (hashed as it is) whose difference hash is `bits`: each row starts at 128 and
// steps up by one where the bit is set, down by one where it is clear.
Image ImageWithHash(uint64_t bits) {
  Image image(1, 8, 9);
  for (int y = 0; y < 8; ++y) {
    int value = 128;
    image.at(0, y, 0) = static_cast<uint8_t>(value);
    for (int x = 0; x < 8; ++x) {
      value += (bits >> (8 * y + x)) & 1 ? 1 : -1;
      image.at(0, y, x + 1) = static_cast<uint8_t>(value);
    }
  }
  return image;
}

// Well-spread 64-bit values (splitmix64), so unrelated test images are far apart.
uint64_t Spread(uint64_t i) {
  uint64_t z = i * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Example MakeExample(const std::string& id, const std::string& patient, int label, uint64_t hash) {
  Example e;
  e.id = id;
  e.patient = patient;
  e.label = label;
  e.image = ImageWithHash(hash);
  e.mask = Mask(8, 9);
  return e;
}

// n unrelated images "i<k>" of patients "p<k>", label 0; hash Spread(k).
Dataset Unrelated(int n) {
  Dataset dataset;
  dataset.class_names = {"benign", "malignant"};
  for (int k = 0; k < n; ++k) {
    dataset.examples.push_back(
        MakeExample("i" + std::to_string(k), "p" + std::to_string(k), 0, Spread(k)));
  }
  return dataset;
}

NearDuplicateGrouping Options(int max_distance) {
  NearDuplicateGrouping options;
  options.set_max_distance(max_distance);
  return options;
}

std::vector<std::string> Patients(const Dataset& dataset) {
  std::vector<std::string> patients;
  for (const Example& e : dataset.examples) patients.push_back(e.patient);
  return patients;
}

TEST(NearDuplicatesTest, TestImagesHashAsBuiltAndAreFarApart) {
  // The premise of the other tests, checked rather than assumed.
  for (uint64_t k = 0; k < 40; ++k) {
    EXPECT_EQ(DifferenceHash(ImageWithHash(Spread(k))), Spread(k));
    for (uint64_t j = 0; j < k; ++j) EXPECT_GT(HammingDistance(Spread(j), Spread(k)), 12);
  }
}

TEST(NearDuplicatesTest, DistanceDecidesWhoJoins) {
  // i1 differs from i0 in exactly 3 bits (0, 9 and 63).
  Dataset dataset = Unrelated(5);
  dataset.examples[1].image = ImageWithHash(Spread(0) ^ 1 ^ (1 << 9) ^ (uint64_t{1} << 63));
  Dataset at2 = dataset;
  ASSERT_TRUE(GroupNearDuplicates(Options(2), &at2).ok());
  EXPECT_THAT(Patients(at2), ElementsAre("p0", "p1", "p2", "p3", "p4"));
  Dataset at3 = dataset;  // the pair is 2 of 5 images, but a pair is never refused as a chain
  absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(Options(3), &at3);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(Patients(at3), ElementsAre("p0+1", "p0+1", "p2", "p3", "p4"));
  EXPECT_EQ(summary->groups, 4);
  EXPECT_THAT(summary->groups_of_size, ElementsAre(std::pair(1, 3), std::pair(2, 1)));
  EXPECT_EQ(summary->merged_units, 1);
  EXPECT_EQ(summary->merged_patients, 2);
}

TEST(NearDuplicatesTest, WholePatientsMergeAndIdsFollowNaturalOrder) {
  // p10's second image duplicates p2's: all of p2 and p10 become "p2+1" (p2 < p10 naturally).
  Dataset dataset = Unrelated(0);
  dataset.examples = {MakeExample("a", "p10", 0, Spread(1)), MakeExample("b", "p10", 0, Spread(2)),
                      MakeExample("c", "p2", 0, Spread(3)),  MakeExample("d", "p2", 0, Spread(2)),
                      MakeExample("e", "p1", 0, Spread(4)),  MakeExample("f", "p3", 0, Spread(5))};
  NearDuplicateGrouping options = Options(0);
  options.set_max_group_fraction(1);  // the unit holds 4 of 6 images
  ASSERT_TRUE(GroupNearDuplicates(options, &dataset).ok());
  EXPECT_THAT(Patients(dataset), ElementsAre("p2+1", "p2+1", "p2+1", "p2+1", "p1", "p3"));
}

TEST(NearDuplicatesTest, ClassConflictsAreExcludedByDefault) {
  Dataset dataset = Unrelated(6);
  dataset.examples[4].image = dataset.examples[1].image;
  dataset.examples[4].label = 1;
  Dataset kept = dataset;
  absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(Options(4), &dataset);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(summary->conflicts, ElementsAre("i1 (benign), i4 (malignant)"));
  EXPECT_EQ(summary->excluded, 2);
  EXPECT_THAT(Patients(dataset), ElementsAre("p0", "p2", "p3", "p5"));

  NearDuplicateGrouping keep = Options(4);
  keep.set_class_conflicts(CLASS_CONFLICT_KEEP);
  summary = GroupNearDuplicates(keep, &kept);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->conflicts.size(), 1u);
  EXPECT_EQ(summary->excluded, 0);
  EXPECT_THAT(Patients(kept), ElementsAre("p0", "p1+1", "p2", "p3", "p1+1", "p5"));
}

TEST(NearDuplicatesTest, OnlyImagesThatContradictANeighbourAreExcluded) {
  // i0 ~ i1 (2 bits, same label) and i1 ~ i2 (2 bits, other label); i0 and i2 are 4 bits apart.
  // At max_distance 2 all three form one group, but only i1 and i2 contradict each other.
  Dataset dataset = Unrelated(8);
  dataset.examples[1].image = ImageWithHash(Spread(0) ^ 0x3);
  dataset.examples[2].image = ImageWithHash(Spread(0) ^ 0xf);
  dataset.examples[2].label = 1;
  NearDuplicateGrouping options = Options(2);
  options.set_max_group_fraction(0.5);
  absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(options, &dataset);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(summary->conflicts, ElementsAre("i1 (benign), i2 (malignant)"));
  EXPECT_EQ(summary->excluded, 2);
  EXPECT_THAT(summary->groups_of_size, ElementsAre(std::pair(1, 5), std::pair(3, 1)));
  // i0 is left with no kept duplicate: it keeps its own patient.
  EXPECT_THAT(Patients(dataset), ElementsAre("p0", "p3", "p4", "p5", "p6", "p7"));
}

TEST(NearDuplicatesTest, ChainsAreRefusedWithTheDistanceToLowerTo) {
  // i0..i3 each one bit from the next (i0 to i3: 3 bits): at max_distance 1 they chain into one
  // group of 4 of 20 images, 20% > 10%; at 0 nothing joins.
  Dataset dataset = Unrelated(20);
  uint64_t h = Spread(0);
  for (int k = 1; k < 4; ++k) {
    h ^= uint64_t{1} << (10 * k);
    dataset.examples[k].image = ImageWithHash(h);
  }
  Dataset copy = dataset;
  absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(Options(1), &copy);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(summary.status().message(),
              HasSubstr("at max_distance 1 one group of 4 patients (from 'p0') holds 4 of 20"));
  EXPECT_THAT(summary.status().message(), HasSubstr("lower max_distance to 0"));
  // 4 of 20 is allowed under a 25% limit.
  NearDuplicateGrouping loose = Options(1);
  loose.set_max_group_fraction(0.25);
  copy = dataset;
  EXPECT_TRUE(GroupNearDuplicates(loose, &copy).ok());
  EXPECT_EQ(copy.examples[3].patient, "p0+3");
}

TEST(NearDuplicatesTest, OnePatientsOwnDuplicatesAreNoChain) {
  // Ten duplicate images of one patient out of 20 join nobody else: no merge, no refusal.
  Dataset dataset = Unrelated(20);
  for (int k = 0; k < 10; ++k) {
    dataset.examples[k].patient = "p0";
    dataset.examples[k].image = dataset.examples[0].image;
  }
  absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(Options(4), &dataset);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->merged_units, 0);
  EXPECT_EQ(dataset.examples[9].patient, "p0");
}

TEST(NearDuplicatesTest, DescribeListsGroupsAndConflicts) {
  Dataset dataset = Unrelated(4);
  dataset.examples[3].image = dataset.examples[0].image;
  dataset.examples[3].label = 1;
  absl::StatusOr<GroupingSummary> summary = GroupNearDuplicates(Options(4), &dataset);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(DescribeGrouping(*summary),
              ElementsAre("near-duplicates (dHash, Hamming distance <= 4): 4 images in 3 groups "
                          "(2 groups of 1, 1 group of 2)",
                          "near-duplicates: 0 patients merged into 0 split units; 1 class "
                          "conflicts, 2 images excluded",
                          "class conflict: i0 (benign), i3 (malignant)"));
  EXPECT_TRUE(DescribeGrouping(GroupingSummary()).empty());
}

TEST(NearDuplicatesTest, ResolvingASpecKeepsTheDefaults) {
  // Training resolves specs with FillDefaults before loading: the source-dependent default must
  // survive it, and a spec that does not mention grouping must serialize as before (its trial id
  // is a hash of that serialization).
  for (const bool busi : {false, true}) {
    DataSpec spec;
    if (busi) spec.mutable_busi()->set_directory("/d");
    const bool before = GroupingEnabled(spec);
    FillDefaults(&spec);
    EXPECT_FALSE(spec.has_group_near_duplicates());
    EXPECT_EQ(GroupingEnabled(spec), before);
    EXPECT_EQ(GroupingEnabled(spec), busi);
  }
  DataSpec phantom;
  phantom.mutable_group_near_duplicates()->set_max_distance(2);
  FillDefaults(&phantom);
  EXPECT_TRUE(GroupingEnabled(phantom));
  EXPECT_EQ(phantom.group_near_duplicates().max_group_fraction(), 0.1);
}

TEST(NearDuplicatesTest, DefaultsAndValidation) {
  DataSpec spec;
  EXPECT_FALSE(GroupingEnabled(spec));
  spec.mutable_manifest();
  EXPECT_FALSE(GroupingEnabled(spec));
  spec.mutable_kaggle();
  EXPECT_TRUE(GroupingEnabled(spec));
  spec.mutable_busi();
  EXPECT_TRUE(GroupingEnabled(spec));
  spec.mutable_group_near_duplicates()->set_enabled(false);
  EXPECT_FALSE(GroupingEnabled(spec));
  spec.clear_source();
  spec.mutable_group_near_duplicates()->set_max_distance(2);  // giving options turns it on
  spec.mutable_group_near_duplicates()->clear_enabled();
  EXPECT_TRUE(GroupingEnabled(spec));

  EXPECT_TRUE(ValidateGrouping(NearDuplicateGrouping()).ok());
  EXPECT_THAT(ValidateGrouping(Options(65)).message(),
              HasSubstr("data.group_near_duplicates.max_distance must be in [0, 64], got 65"));
  NearDuplicateGrouping fraction;
  fraction.set_max_group_fraction(0);
  EXPECT_THAT(ValidateGrouping(fraction).message(),
              HasSubstr("data.group_near_duplicates.max_group_fraction"));
}

}  // namespace
}  // namespace nerve_mtl::data
