#ifndef NERVE_MTL_DATA_PHANTOM_PATIENTS_H_
#define NERVE_MTL_DATA_PHANTOM_PATIENTS_H_

// The phantom's patients and acquisition channels (internal to //data:phantom): what stays the
// same over all images of one patient, or of one channel.

#include <array>
#include <cstdint>
#include <vector>

namespace nerve_mtl::data::phantom_internal {

struct Patient {
  double gain_db;
  double attenuation_db_per_mm;  // After the scanner's time-gain compensation.
  std::array<double, 5> tgc_db;  // Residual gain error at 0, 10, ..., 40 mm.
  double dynamic_range_db;
  double speckle_axial_mm;  // Speckle grain (smoothing sigma of the complex field).
  double speckle_lateral_mm;
  double psf_axial_mm;  // Point-spread function sigma.
  double psf_lateral_mm;
  double skin_mm;
  double skin_db;
  double fat_db;
  double fascia_db;
  std::vector<double> fascia_mm;  // Superficial fascia first, then intermuscular fasciae.
  std::vector<double> muscle_db;  // Echogenicity of the muscle below each fascia.
  double nerve_scale;
  double sheath_db;
  double fascicle_db;
};

// Patient `patient`'s seed under the data set's `seed` (phantom_seeds.h).
uint64_t PatientSeed(uint64_t seed, int patient);

Patient MakePatient(uint64_t patient_seed);

// One acquisition contrast. Channel 0 is the nominal protocol; the others alternate lower and
// higher transmit frequency (coarser or finer speckle and resolution, less or more attenuation)
// with their own gain and dynamic range. The same for all patients, like a fixed protocol.
struct Channel {
  double frequency = 1.0;
  double gain_db = 0.0;
  double dynamic_range_scale = 1.0;
};

Channel MakeChannel(uint64_t seed, int channel);

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_PATIENTS_H_
