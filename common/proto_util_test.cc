#include "common/proto_util.h"

#include "common/sample.pb.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

TEST(ProtoUtilTest, FillDefaultsSpellsOutEveryValue) {
  common::Sample spec;
  FillDefaults(&spec);
  EXPECT_TRUE(spec.has_height());
  EXPECT_EQ(spec.height(), 128);
  EXPECT_TRUE(spec.flips().has_hflip_probability());
  EXPECT_TRUE(spec.has_resize());
  // An unset oneof stays unset: which source is meant is the spec's choice.
  EXPECT_EQ(spec.source_case(), common::Sample::SOURCE_NOT_SET);

  common::Sample kaggle;
  kaggle.mutable_kaggle();
  FillDefaults(&kaggle);
  EXPECT_TRUE(kaggle.kaggle().has_max_images());
  EXPECT_FALSE(kaggle.has_phantom());
}

TEST(ProtoUtilTest, HashIgnoresExplicitDefaultsButNotValues) {
  common::Sample a, b, c;
  b.set_height(128);  // the default, written out
  c.set_height(64);
  EXPECT_EQ(StableHash(a), StableHash(b));
  EXPECT_NE(StableHash(a), StableHash(c));
  EXPECT_EQ(StableHash(a).size(), 16u);
  // The hash names trial directories, so it must not change silently. Worked by hand: the
  // filled message serialises to 08 80 01 10 80 01 18 00 20 01 2a 0a 0d 00 00 00 00 15 00 00 00
  // 00 32 00 (height, width, seed, resize, flips with both probabilities, an empty holdout);
  // FNV-1a 64 over those bytes, then SplitMix64's finaliser, gives this value.
  EXPECT_EQ(StableHash(a), "2c3723b8afb8d364");
  // Neighbouring values (seeds, say) give unrelated IDs, not ones that differ in a few digits.
  common::Sample s1, s2;
  s1.set_seed(1);
  s2.set_seed(2);
  const std::string h1 = StableHash(s1), h2 = StableHash(s2);
  int same = 0;
  for (size_t i = 0; i < h1.size(); ++i) same += h1[i] == h2[i];
  EXPECT_LE(same, 6) << h1 << " vs " << h2;
}

TEST(ProtoUtilTest, DiffersFromDefaultIgnoresSpelledOutDefaults) {
  const google::protobuf::Descriptor* d = common::Sample::descriptor();
  const google::protobuf::FieldDescriptor* height = d->FindFieldByName("height");
  const google::protobuf::FieldDescriptor* flips = d->FindFieldByName("flips");
  common::Sample spec;
  EXPECT_FALSE(DiffersFromDefault(spec, height));
  spec.set_height(128);  // the default, written out
  EXPECT_FALSE(DiffersFromDefault(spec, height));
  spec.set_height(64);
  EXPECT_TRUE(DiffersFromDefault(spec, height));
  FillDefaults(&spec);
  EXPECT_FALSE(DiffersFromDefault(spec, flips)) << "a sub-message of defaults";
  spec.mutable_flips()->set_hflip_probability(0.5);
  EXPECT_TRUE(DiffersFromDefault(spec, flips));
}

TEST(ProtoUtilTest, MergeReplacesListsAndMergesMessages) {
  common::Sample base, layer;
  base.set_height(64);
  base.mutable_flips()->set_hflip_probability(0.5);
  base.mutable_holdout()->add_val("p1");
  base.mutable_holdout()->add_val("p2");
  layer.mutable_flips()->set_vflip_probability(0.25);
  layer.mutable_holdout()->add_val("p3");
  layer.mutable_kaggle()->set_directory("/d");
  base.mutable_phantom()->set_patients(5);
  MergeReplacingRepeated(layer, &base);
  EXPECT_EQ(base.height(), 64);
  EXPECT_EQ(base.flips().hflip_probability(), 0.5);
  EXPECT_EQ(base.flips().vflip_probability(), 0.25);
  ASSERT_EQ(base.holdout().val_size(), 1);
  EXPECT_EQ(base.holdout().val(0), "p3");
  EXPECT_TRUE(base.has_kaggle());
  EXPECT_FALSE(base.has_phantom()) << "setting one oneof member clears the other";
}

}  // namespace
}  // namespace nerve_mtl
