#ifndef NERVE_MTL_DATA_PHANTOM_ROLES_H_
#define NERVE_MTL_DATA_PHANTOM_ROLES_H_

// Which phantom images are empty, which are near-duplicates, and their labels (internal to
// //data:phantom).

#include <cstdint>

#include "data/data_spec.pb.h"

namespace nerve_mtl::data::phantom_internal {

struct Role {
  int label = 0;
  bool nerve_visible = true;
  bool nerve_in_mask = true;
  int anatomy_index = 0;  // Whose anatomy is drawn: the image's own, or the duplicated one's.
};

// The role of image `index` of `patient`. An index outside [0, images_per_patient) gets a plain
// nerve image (GeneratePhantomExample's promise).
Role AssignRole(const PhantomSource& spec, uint64_t patient_seed, int patient, int index);

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_ROLES_H_
