#include "common/proto_util.h"

#include "data/data_spec.pb.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

TEST(ProtoUtilTest, FillDefaultsSpellsOutEveryValue) {
  data::DataSpec spec;
  FillDefaults(&spec);
  EXPECT_TRUE(spec.has_height());
  EXPECT_EQ(spec.height(), 128);
  EXPECT_TRUE(spec.augmentation().has_elastic_sigma());
  EXPECT_TRUE(spec.normalization().has_mode());
  // An unset oneof stays unset: which source is meant is the spec's choice.
  EXPECT_EQ(spec.source_case(), data::DataSpec::SOURCE_NOT_SET);

  data::DataSpec kaggle;
  kaggle.mutable_kaggle();
  FillDefaults(&kaggle);
  EXPECT_TRUE(kaggle.kaggle().has_max_images());
  EXPECT_FALSE(kaggle.has_phantom());
}

TEST(ProtoUtilTest, HashIgnoresExplicitDefaultsButNotValues) {
  data::DataSpec a, b, c;
  b.set_height(128);  // the default, written out
  c.set_height(64);
  EXPECT_EQ(StableHash(a), StableHash(b));
  EXPECT_NE(StableHash(a), StableHash(c));
  EXPECT_EQ(StableHash(a).size(), 16u);
  // Pinned: the hash names trial directories, so it must not change silently.
  EXPECT_EQ(StableHash(a), "5f61da1264c73ec4");
  // Neighbouring values (seeds, say) give unrelated IDs, not ones that differ in a few digits.
  data::DataSpec s1, s2;
  s1.set_seed(1);
  s2.set_seed(2);
  const std::string h1 = StableHash(s1), h2 = StableHash(s2);
  int same = 0;
  for (size_t i = 0; i < h1.size(); ++i) same += h1[i] == h2[i];
  EXPECT_LE(same, 6) << h1 << " vs " << h2;
}

TEST(ProtoUtilTest, DiffersFromDefaultIgnoresSpelledOutDefaults) {
  const google::protobuf::Descriptor* d = data::DataSpec::descriptor();
  const google::protobuf::FieldDescriptor* height = d->FindFieldByName("height");
  const google::protobuf::FieldDescriptor* augmentation = d->FindFieldByName("augmentation");
  data::DataSpec spec;
  EXPECT_FALSE(DiffersFromDefault(spec, height));
  spec.set_height(128);  // the default, written out
  EXPECT_FALSE(DiffersFromDefault(spec, height));
  spec.set_height(64);
  EXPECT_TRUE(DiffersFromDefault(spec, height));
  FillDefaults(&spec);
  EXPECT_FALSE(DiffersFromDefault(spec, augmentation)) << "a sub-message of defaults";
  spec.mutable_augmentation()->set_hflip_probability(0.5);
  EXPECT_TRUE(DiffersFromDefault(spec, augmentation));
}

TEST(ProtoUtilTest, MergeReplacesListsAndMergesMessages) {
  data::DataSpec base, layer;
  base.set_height(64);
  base.mutable_augmentation()->set_hflip_probability(0.5);
  base.mutable_split()->mutable_holdout()->add_val("p1");
  base.mutable_split()->mutable_holdout()->add_val("p2");
  layer.mutable_augmentation()->set_vflip_probability(0.25);
  layer.mutable_split()->mutable_holdout()->add_val("p3");
  layer.mutable_kaggle()->set_directory("/d");
  base.mutable_phantom()->set_patients(5);
  MergeReplacingRepeated(layer, &base);
  EXPECT_EQ(base.height(), 64);
  EXPECT_EQ(base.augmentation().hflip_probability(), 0.5);
  EXPECT_EQ(base.augmentation().vflip_probability(), 0.25);
  ASSERT_EQ(base.split().holdout().val_size(), 1);
  EXPECT_EQ(base.split().holdout().val(0), "p3");
  EXPECT_TRUE(base.has_kaggle());
  EXPECT_FALSE(base.has_phantom()) << "setting one oneof member clears the other";
}

}  // namespace
}  // namespace nerve_mtl
