#ifndef NERVE_MTL_DATA_PHANTOM_ECHOGENICITY_H_
#define NERVE_MTL_DATA_PHANTOM_ECHOGENICITY_H_

// The phantom's echogenicity map (internal to //data:phantom): mean backscatter amplitude per
// pixel, muscle ~ 1, before any speckle or blur (phantom_acquisition.h adds those).

#include <vector>

#include "data/example.h"
#include "data/phantom_anatomy.h"
#include "data/phantom_geometry.h"
#include "data/phantom_patients.h"

namespace nerve_mtl::data::phantom_internal {

// Echogenicity into `echo` (grid.height x grid.width, row-major) and, when mask is given, the
// nerve into it.
void RenderEchogenicity(const Anatomy& an, const Patient& patient, const Grid& grid,
                        std::vector<float>* echo, Mask* mask);

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_ECHOGENICITY_H_
