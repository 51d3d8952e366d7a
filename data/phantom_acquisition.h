#ifndef NERVE_MTL_DATA_PHANTOM_ACQUISITION_H_
#define NERVE_MTL_DATA_PHANTOM_ACQUISITION_H_

// One acquisition of the phantom's echogenicity map (internal to //data:phantom): depth gain x
// Rayleigh speckle, point-spread function, log compression to 8 bits.

#include <cstdint>
#include <vector>

#include "data/phantom_anatomy.h"
#include "data/phantom_geometry.h"
#include "data/phantom_patients.h"

namespace nerve_mtl::data::phantom_internal {

// Writes grid.height x grid.width gray levels to `out`. `echo` comes from RenderEchogenicity;
// `speckle_seed` draws the speckle, so that two channels or two near-duplicates of one anatomy
// differ in it.
void RenderChannel(const std::vector<float>& echo, const Anatomy& an, const Patient& patient,
                   const Channel& ch, const Grid& grid, uint64_t speckle_seed, uint8_t* out);

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_ACQUISITION_H_
