#ifndef NERVE_MTL_DATA_PHANTOM_SEEDS_H_
#define NERVE_MTL_DATA_PHANTOM_SEEDS_H_

// The phantom's seed layout (internal to //data:phantom). DeriveSeed(seed, {kPhantomStream,
// patient}) is the patient's seed; its own Rng draws the patient, and DeriveSeed(patient_seed,
// {key, ...}) the per-image streams. Separate streams keep the anatomy of an image fixed when
// only its speckle changes (near-duplicates).

#include <cstdint>

namespace nerve_mtl::data::phantom_internal {

inline constexpr uint64_t kPhantomStream = 0x7068616e746f6d31ULL;  // "phantom1"
inline constexpr uint64_t kProtocolKey = 0x70726f746f636f6cULL;  // Channel contrasts, all patients.
inline constexpr uint64_t kRoleKey = 1;
inline constexpr uint64_t kAnatomyKey = 2;
inline constexpr uint64_t kSpeckleKey = 3;
inline constexpr uint64_t kContextKey =
    4;  // Under an anatomy seed: the class an empty image shows.

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_SEEDS_H_
