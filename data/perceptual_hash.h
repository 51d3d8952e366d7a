#ifndef NERVE_MTL_DATA_PERCEPTUAL_HASH_H_
#define NERVE_MTL_DATA_PERCEPTUAL_HASH_H_

// A perceptual hash for finding near-duplicate images: two pictures of the same scan, re-saved,
// re-scaled, slightly re-cropped or brightened, get hashes a few bits apart.

#include <cstdint>

#include "data/example.h"

namespace nerve_mtl::data {

// The 64-bit difference hash (dHash, after N. Krawetz): the image's channels are averaged
// (rounded half up), the result is area-resized (data/resize.h, exact integer arithmetic) to 9
// columns x 8 rows, and bit 8 * y + x (bit 0 = least significant) is 1 when pixel (y, x) is
// darker than its right neighbour (y, x + 1). Comparing neighbours rather than a mean makes the
// hash blind to a uniform brightness or gain change. An empty image hashes to 0.
uint64_t DifferenceHash(const Image& image);

// The number of bits in which two hashes differ (0..64).
inline int HammingDistance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_PERCEPTUAL_HASH_H_
