#ifndef NERVE_MTL_DATA_PHANTOM_ANATOMY_H_
#define NERVE_MTL_DATA_PHANTOM_ANATOMY_H_

// The anatomy of one phantom image (internal to //data:phantom): what lies where, in
// millimetres, drawn from the image's own stream before anything is rendered.

#include <array>
#include <cstdint>
#include <vector>

#include "data/phantom_geometry.h"
#include "data/phantom_patients.h"

namespace nerve_mtl::data::phantom_internal {

// Median, radial, ulnar (data/phantom.h's labels 0 to 2).
inline constexpr int kNerveClassCount = 3;

struct Fascicle {
  double u, v, r;  // In the nerve's frame, mm.
};

struct Nerve {
  Ellipse shape;
  std::array<double, 4> harmonics;  // cos 2t, sin 2t, cos 3t, sin 3t: an irregular outline.
  double sheath_mm;
  float sheath_amp;
  float matrix_amp;
  float fascicle_amp;
  std::vector<Fascicle> fascicles;
};

struct Vessel {
  Ellipse shape;
  double wall_mm;
  float wall_amp;
  float lumen_amp;
  double enhancement;  // Posterior acoustic enhancement: amplitude gain below, minus one.
};

struct Bone {
  double z, l;         // Top of the arc.
  double half_extent;  // Lateral half length.
  double curvature;    // Depth grows by curvature * dl^2 away from the top.
  double sigma_mm;
  float amp;
  float shadow;  // Amplitude factor below the bone.
};

struct Segment {
  double z0, l0, z1, l1;
  double sigma_mm;
  float amp;
};

struct Blob {
  double z, l;
  float amp;
};

// Mottled echotexture: dB values on a coarse grid, interpolated bilinearly.
inline constexpr double kTextureLateralMm = 1.6;
inline constexpr double kTextureAxialMm = 1.0;

struct Anatomy {
  bool nerve_visible = true;
  int texture_columns = 0;
  std::vector<float> texture;  // Amplitude factors, row-major, kTexture*Mm apart.
  Nerve nerve;
  std::vector<Vessel> vessels;
  bool has_bone = false;
  Bone bone;
  std::vector<Curve> fascia_depth;       // mm, per fascia.
  std::vector<Curve> fascia_brightness;  // Factor along each fascia (anisotropy, gaps).
  std::vector<double> fascia_sigma_mm;
  std::vector<Segment> septa;
  std::vector<Blob> blobs;
  double gain_db = 0.0;  // Operator's gain change for this image.
};

// nerve_class: the class whose surroundings are drawn (also for images with no nerve, so that
// "none" images have the same neighbours as the others).
Anatomy MakeAnatomy(uint64_t anatomy_seed, int nerve_class, const Patient& patient,
                    const Grid& grid);

}  // namespace nerve_mtl::data::phantom_internal

#endif  // NERVE_MTL_DATA_PHANTOM_ANATOMY_H_
