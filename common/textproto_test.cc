#include "common/textproto.h"

#include <cstdlib>
#include <fstream>

#include "common/sample.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl {
namespace {

using ::testing::HasSubstr;

TEST(TextProtoTest, ParsesValidText) {
  common::Sample spec;
  ASSERT_TRUE(ParseTextProto("height: 64\nphantom { patients: 5 }\n", "s", &spec).ok());
  EXPECT_EQ(spec.height(), 64);
  EXPECT_EQ(spec.phantom().patients(), 5);
}

TEST(TextProtoTest, ErrorsNameSourceLineAndColumn) {
  common::Sample spec;
  absl::Status unknown = ParseTextProto("height: 64\n  hieght: 3\n", "a.textproto", &spec);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(), HasSubstr("a.textproto:2:3: "));
  EXPECT_THAT(unknown.message(), HasSubstr("hieght"));
  absl::Status enum_value = ParseTextProto("height: 8\n  resize: RESIZE_CUBIC\n\n", "b.textproto", &spec);
  EXPECT_THAT(enum_value.message(), HasSubstr("b.textproto:2:11: "));
  EXPECT_THAT(enum_value.message(), HasSubstr("RESIZE_CUBIC"));
}

TEST(TextProtoTest, ReadsFilesAndReportsMissingOnes) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/spec.textproto";
  std::ofstream(path) << "# a comment\nwidth: 32\n";
  common::Sample spec;
  ASSERT_TRUE(ReadTextProtoFile(path, &spec).ok());
  EXPECT_EQ(spec.width(), 32);
  absl::Status missing = ReadTextProtoFile("/nonexistent/x.textproto", &spec);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.message(), HasSubstr("/nonexistent/x.textproto: cannot open file"));
}

}  // namespace
}  // namespace nerve_mtl
