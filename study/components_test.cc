#include "study/components.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::HasSubstr;

Experiment Spec(const std::string& model, const std::string& strategy) {
  Experiment e;
  e.mutable_model()->set_name(model);
  e.mutable_loss()->set_strategy(strategy);
  return e;
}

// The study's networks as docs/DESIGN.md §1 describes them.
TEST(DescribeComponentsTest, TheStudysNetworks) {
  absl::StatusOr<Components> nat = DescribeComponents(Spec("quicknat", "linear"));
  ASSERT_TRUE(nat.ok()) << nat.status();
  EXPECT_TRUE(nat->segments());
  EXPECT_FALSE(nat->classifies());
  EXPECT_FALSE(nat->pretrains());
  EXPECT_EQ(nat->learning_rate_size(), 0);

  absl::StatusOr<Components> hard = DescribeComponents(Spec("quickfcn", "linear"));
  ASSERT_TRUE(hard.ok()) << hard.status();
  EXPECT_TRUE(hard->segments() && hard->classifies() && hard->shared_representation());
  EXPECT_FALSE(hard->cross_stitch() || hard->pretrains());
}

// Soft sharing's alphas at their absolute rate come first, then the uncertainty weighting's log
// variances at a multiple of the base rate.
TEST(DescribeComponentsTest, OwnLearningRatesInProtocolOrder) {
  Experiment e = Spec("softquickfcn", "uncertainty");
  e.mutable_model()->set_cross_stitch_learning_rate(0.02);
  e.mutable_loss()->mutable_uncertainty()->set_lr_multiplier(7);
  absl::StatusOr<Components> c = DescribeComponents(e);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->cross_stitch() && c->pretrains());
  ASSERT_EQ(c->learning_rate_size(), 2);
  EXPECT_EQ(c->learning_rate(0).what(), "cross-stitch alpha");
  EXPECT_EQ(c->learning_rate(0).kind(), Components::LearningRate::ABSOLUTE);
  EXPECT_EQ(c->learning_rate(0).value(), 0.02);
  EXPECT_EQ(c->learning_rate(1).what(), "log variances");
  EXPECT_EQ(c->learning_rate(1).kind(), Components::LearningRate::MULTIPLE_OF_BASE);
  EXPECT_EQ(c->learning_rate(1).value(), 7);

  Experiment gradnorm = Spec("quickfcn", "gradnorm");
  gradnorm.mutable_loss()->mutable_gradnorm()->set_weight_lr(0.25);
  c = DescribeComponents(gradnorm);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->learning_rate_size(), 1);
  EXPECT_EQ(c->learning_rate(0).kind(), Components::LearningRate::OWN_RULE);
  EXPECT_EQ(c->learning_rate(0).value(), 0.25);
}

// A single-task network trains without the strategy's weights.
TEST(DescribeComponentsTest, NoStrategyRatesForOneTask) {
  absl::StatusOr<Components> c = DescribeComponents(Spec("resultnet", "uncertainty"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->learning_rate_size(), 0);
}

TEST(DescribeComponentsTest, UnknownNamesListTheLinkedOnes) {
  EXPECT_THAT(DescribeComponents(Spec("unet", "linear")).status().message(),
              HasSubstr("unknown model 'unet'"));
  EXPECT_THAT(DescribeComponents(Spec("quicknat", "nash")).status().message(),
              HasSubstr("unknown strategy 'nash'"));
  Result r;
  *r.mutable_experiment() = Spec("quicknat", "linear");
  ASSERT_TRUE(RecordComponents(&r).ok());
  EXPECT_TRUE(r.components().segments());
}

}  // namespace
}  // namespace nerve_mtl::study
