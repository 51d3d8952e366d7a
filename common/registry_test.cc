#include "common/registry.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

struct TestEntry {
  int value;
};

TEST(RegistryTest, FindsWhatWasRegisteredAndListsNamesSorted) {
  Registry<TestEntry>::Register("zeta", {2});
  Registry<TestEntry>::Register("alpha", {1});
  ASSERT_NE(Registry<TestEntry>::Find("zeta"), nullptr);
  EXPECT_EQ(Registry<TestEntry>::Find("zeta")->value, 2);
  EXPECT_EQ(Registry<TestEntry>::Find("beta"), nullptr);
  EXPECT_THAT(Registry<TestEntry>::Names(), testing::ElementsAre("alpha", "zeta"));
  absl::StatusOr<const TestEntry*> found = Registry<TestEntry>::Lookup("alpha", "x.name", "thing");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->value, 1);
  EXPECT_EQ(Registry<TestEntry>::Lookup("beta", "x.name", "thing").status().message(),
            "x.name: unknown thing 'beta' (linked: alpha, zeta)");
}

struct OtherEntry {};

TEST(RegistryDeathTest, ANameRegisteredTwiceStopsTheProgram) {
  Registry<OtherEntry>::Register("dice", {});
  EXPECT_DEATH(Registry<OtherEntry>::Register("dice", {}), "'dice' is registered twice");
}

}  // namespace
}  // namespace nerve_mtl
