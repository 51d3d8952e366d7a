#ifndef NERVE_MTL_DATA_PHANTOM_H_
#define NERVE_MTL_DATA_PHANTOM_H_

// Deterministic synthetic nerve ultrasound: the embedded default data set, so that the whole study
// runs without a download.
//
// Each image is a transverse B-mode view whose larger side spans spec.field_of_view_mm() (40 mm by
// default; pixels are square, so anatomy keeps its size in millimetres at every resolution, and
// a smaller field of view zooms in). It shows skin,
// subcutaneous fat with septa, muscle layers separated by bright fascia at patient-specific
// depths, and one of three nerves as a honeycomb of dark fascicles inside a bright sheath, with
// the anatomy that usually surrounds it:
//   median  large, oval, many fascicles; sometimes the brachial artery beside it.
//   radial  small, round, few fascicles; deep, on a bone line with an acoustic shadow below.
//   ulnar   medium, intermediate fascicle count; the ulnar artery right beside it.
// Veins and deep bone appear in any class. The image model is echogenicity x depth gain x
// Rayleigh speckle, blurred by a point-spread function and log-compressed to 8 bits. Patients
// differ in gain, attenuation, dynamic range, speckle size, resolution and layering, so global
// intensity statistics say more about the patient than about the nerve.
//
// Everything is drawn from data/random.h and computed without libm transcendentals, so a spec and
// seed give the same bytes on every machine.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "data/data_spec.pb.h"
#include "data/example.h"

namespace nerve_mtl::data {

// Labels in the order of PhantomClassNames.
inline constexpr int kPhantomMedian = 0;
inline constexpr int kPhantomRadial = 1;
inline constexpr int kPhantomUlnar = 2;
inline constexpr int kPhantomNone = 3;  // Only when spec.empty_fraction() > 0.

// {"median", "radial", "ulnar"}, plus "none" (label 3) when spec.empty_fraction() > 0.
std::vector<std::string> PhantomClassNames(const PhantomSource& spec);

// Image `index` of patient `patient` (both from 0; id "p01/0000" for 0, 0). Fully determined by
// the arguments, and equal to the matching element of GeneratePhantom. Expects the values that
// GeneratePhantom accepts; an index outside [0, images_per_patient) gets a plain nerve image.
Example GeneratePhantomExample(const PhantomSource& spec, int height, int width, int channels,
                               uint64_t seed, int patient, int index);

// patients() x images_per_patient() examples, patient by patient, with patient ids "p01", "p02",
// ... and ids "p03/0012". InvalidArgumentError naming the field for a bad spec or size.
absl::StatusOr<Dataset> GeneratePhantom(const PhantomSource& spec, int height, int width,
                                        int channels, uint64_t seed);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_PHANTOM_H_
