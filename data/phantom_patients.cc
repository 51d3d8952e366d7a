#include "data/phantom_patients.h"

#include <cstdint>

#include "data/phantom_seeds.h"
#include "data/random.h"

namespace nerve_mtl::data::phantom_internal {

uint64_t PatientSeed(uint64_t seed, int patient) {
  return DeriveSeed(seed, {kPhantomStream, static_cast<uint64_t>(patient)});
}

Patient MakePatient(uint64_t patient_seed) {
  Rng rng(patient_seed);
  Patient p;
  // Gain and attenuation vary most: they dominate the global intensity statistics, as in
  // real scans taken by different operators on different arms.
  p.gain_db = rng.Uniform(-9.0, 9.0);
  p.attenuation_db_per_mm = rng.Uniform(0.08, 0.45);
  for (double& t : p.tgc_db) t = rng.Uniform(-3.0, 3.0);
  p.dynamic_range_db = rng.Uniform(45.0, 65.0);
  p.speckle_axial_mm = rng.Uniform(0.05, 0.1);
  p.speckle_lateral_mm = p.speckle_axial_mm * rng.Uniform(1.6, 2.6);
  p.psf_axial_mm = rng.Uniform(0.04, 0.08);
  p.psf_lateral_mm = rng.Uniform(0.08, 0.16);
  p.skin_mm = rng.Uniform(0.6, 1.3);
  p.skin_db = rng.Uniform(4.0, 8.0);
  p.fat_db = rng.Uniform(-11.0, -6.0);
  p.fascia_db = rng.Uniform(8.0, 12.0);
  const int layers = 2 + static_cast<int>(rng.UniformInt(3));
  double depth = rng.Uniform(2.5, 5.0);
  for (int i = 0; i < layers; ++i) {
    p.fascia_mm.push_back(depth);
    p.muscle_db.push_back(rng.Uniform(-4.0, 0.0));
    depth += rng.Uniform(6.0, 11.0);
  }
  p.nerve_scale = rng.Uniform(0.88, 1.12);
  p.sheath_db = rng.Uniform(10.0, 13.0);
  p.fascicle_db = rng.Uniform(-9.0, -5.0);
  return p;
}

Channel MakeChannel(uint64_t seed, int channel) {
  Channel ch;
  if (channel == 0) return ch;
  Rng rng(DeriveSeed(seed, {kPhantomStream, kProtocolKey, static_cast<uint64_t>(channel)}));
  ch.frequency = channel % 2 == 1 ? rng.Uniform(0.6, 0.8) : rng.Uniform(1.25, 1.5);
  ch.gain_db = rng.Uniform(-5.0, 5.0);
  ch.dynamic_range_scale = rng.Uniform(0.75, 1.3);
  return ch;
}

}  // namespace nerve_mtl::data::phantom_internal
