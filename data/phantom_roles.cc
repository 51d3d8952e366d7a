#include "data/phantom_roles.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "data/phantom.h"
#include "data/phantom_anatomy.h"
#include "data/phantom_seeds.h"
#include "data/random.h"

namespace nerve_mtl::data::phantom_internal {
namespace {

// Images of `patient` that get a role taken by `fraction` of all images; cumulative rounding, so
// the whole set gets round(fraction x total) and each patient nearly its share.
int Quota(double fraction, int per_patient, int patient) {
  // GeneratePhantom rejects fractions outside [0, 1]; GeneratePhantomExample must still not
  // convert a NaN to int.
  if (!(fraction > 0.0)) return 0;
  const double f = std::min(fraction, 1.0) * per_patient;
  const int q = static_cast<int>(std::floor(f * (patient + 1) + 0.5)) -
                static_cast<int>(std::floor(f * patient + 0.5));
  return std::clamp(q, 0, per_patient);
}

}  // namespace

Role AssignRole(const PhantomSource& spec, uint64_t patient_seed, int patient, int index) {
  Role role;
  role.anatomy_index = index;
  const int n = spec.images_per_patient();
  if (index < 0 || index >= n) {
    role.label = ((index % kNerveClassCount) + kNerveClassCount) % kNerveClassCount;
    return role;
  }
  const int empties = Quota(spec.empty_fraction(), n, patient);
  const int duplicates =
      std::min(Quota(spec.duplicate_fraction(), n, patient), std::max(0, n - empties - 1));
  const int first_normal = empties + duplicates;
  const int normals = n - first_normal;
  // A seeded shuffle decides which images take which role.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(DeriveSeed(patient_seed, {kRoleKey}));
  for (int i = n - 1; i > 0; --i) {
    std::swap(order[i], order[rng.UniformInt(static_cast<uint64_t>(i) + 1)]);
  }
  const int q = static_cast<int>(std::find(order.begin(), order.end(), index) - order.begin());
  // Classes cycle over the normal images, offset by patient, so the set is balanced.
  auto normal_label = [&](int pos) { return (pos - first_normal + patient) % kNerveClassCount; };
  if (q < empties) {
    role.label = kPhantomNone;
    role.nerve_visible = false;
    role.nerve_in_mask = false;
  } else if (q < first_normal) {
    // Same anatomy as a normal image, new speckle, the nerve's label, but an empty mask.
    const int source = first_normal + (q - empties) % normals;
    role.label = normal_label(source);
    role.nerve_in_mask = false;
    role.anatomy_index = order[source];
  } else {
    role.label = normal_label(q);
  }
  return role;
}

}  // namespace nerve_mtl::data::phantom_internal
