#include "tensorboard/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace nerve_mtl::tensorboard {
namespace {

TEST(Crc32cTest, CheckValue) { EXPECT_EQ(Crc32c("123456789"), 0xE3069283u); }

TEST(Crc32cTest, Rfc3720Vectors) {
  // iSCSI (RFC 3720, B.4) test patterns, as LevelDB's crc32c test uses them.
  std::string buffer(32, '\0');
  EXPECT_EQ(Crc32c(buffer), 0x8a9136aau);
  buffer.assign(32, '\xff');
  EXPECT_EQ(Crc32c(buffer), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buffer[i] = static_cast<char>(i);
  EXPECT_EQ(Crc32c(buffer), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buffer[i] = static_cast<char>(31 - i);
  EXPECT_EQ(Crc32c(buffer), 0x113fdb5cu);
}

TEST(Crc32cTest, EmptyIsZero) { EXPECT_EQ(Crc32c(""), 0u); }

TEST(Crc32cTest, ExtendEqualsWhole) {
  const std::string whole = "hello world";
  EXPECT_EQ(ExtendCrc32c(Crc32c("hello "), "world", 5), Crc32c(whole));
}

TEST(Crc32cTest, Mask) {
  const uint32_t crc = Crc32c("foo");
  EXPECT_NE(MaskCrc32c(crc), crc);
  EXPECT_NE(MaskCrc32c(MaskCrc32c(crc)), MaskCrc32c(crc));
  EXPECT_EQ(UnmaskCrc32c(MaskCrc32c(crc)), crc);
  EXPECT_EQ(UnmaskCrc32c(UnmaskCrc32c(MaskCrc32c(MaskCrc32c(crc)))), crc);
  // By the definition: ((crc >> 15) | (crc << 17)) + 0xa282ead8, for crc = 0xE3069283.
  EXPECT_EQ(MaskCrc32c(0xE3069283u), ((0xE3069283u >> 15) | (0xE3069283u << 17)) + 0xa282ead8u);
  EXPECT_EQ(MaskCrc32c(0), 0xa282ead8u);
}

}  // namespace
}  // namespace nerve_mtl::tensorboard
