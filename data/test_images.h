#ifndef NERVE_MTL_DATA_TEST_IMAGES_H_
#define NERVE_MTL_DATA_TEST_IMAGES_H_

// Images for tests of near-duplicate grouping and of loaders: pictures that grouping tells apart.

#include <cstdint>

#include "data/example.h"

namespace nerve_mtl::data {

// A gray image of 8 x 9 blocks of `block` x `block` pixels whose difference hash
// (DifferenceHash, data/perceptual_hash.h) is splitmix64(k): each row of blocks starts at 128 and
// steps up by `step` where a bit is set, down where it is clear. Unrelated k differ in about 32
// of 64 bits, far above grouping's default distance of 4. `step` * 8 must stay below 128.
Image DistinctImage(uint64_t k, int block, int step);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_TEST_IMAGES_H_
