#ifndef NERVE_MTL_TENSORBOARD_CRC32C_H_
#define NERVE_MTL_TENSORBOARD_CRC32C_H_

// CRC-32C (Castagnoli), the checksum of TensorFlow's record files. Table-driven and portable;
// event files are small enough that hardware CRC instructions would not matter.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nerve_mtl::tensorboard {

// CRC-32C of data appended to a message whose CRC-32C is crc (0 for an empty message).
uint32_t ExtendCrc32c(uint32_t crc, const void* data, size_t size);

inline uint32_t Crc32c(std::string_view data) { return ExtendCrc32c(0, data.data(), data.size()); }

// TensorFlow's record format stores masked CRCs, because a CRC of data that itself contains
// CRCs is weak.
inline constexpr uint32_t kCrc32cMaskDelta = 0xa282ead8u;

inline uint32_t MaskCrc32c(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrc32cMaskDelta; }

inline uint32_t UnmaskCrc32c(uint32_t masked) {
  const uint32_t rotated = masked - kCrc32cMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

}  // namespace nerve_mtl::tensorboard

#endif  // NERVE_MTL_TENSORBOARD_CRC32C_H_
