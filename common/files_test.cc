#include "common/files.h"

#include <cstdlib>
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;

TEST(FilesTest, WritesAtomicallyAndReadsBack) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/a.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "first\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, std::string("x\0y", 3)).ok());
  EXPECT_EQ(*ReadFile(path), std::string("x\0y", 3));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(FilesTest, ErrorsNameTheFile) {
  EXPECT_THAT(ReadFile("/nonexistent/b.txt").status().message(),
              HasSubstr("/nonexistent/b.txt: cannot open file"));
  EXPECT_THAT(WriteFileAtomically("/nonexistent/c.txt", "x").message(),
              HasSubstr("/nonexistent/c.txt.tmp: write failed"));
}

}  // namespace
}  // namespace nerve_mtl
