#include "common/text.h"

#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

TEST(TextTest, OneLineMakesEveryLineBreakOneSpace) {
  EXPECT_EQ(OneLine("a\r\nb\nc\rd"), "a b c d");
  EXPECT_EQ(OneLine("no break"), "no break");
  EXPECT_EQ(OneLine(""), "");
}

}  // namespace
}  // namespace nerve_mtl
