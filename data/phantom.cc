#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "data/phantom.h"
#include "data/phantom_acquisition.h"
#include "data/phantom_anatomy.h"
#include "data/phantom_echogenicity.h"
#include "data/phantom_geometry.h"
#include "data/phantom_patients.h"
#include "data/phantom_roles.h"
#include "data/phantom_seeds.h"
#include "data/random.h"

// The generator: draws each image's patient, role and anatomy, renders its echogenicity once and
// acquires it once per channel. The steps live in the phantom_*.h files beside this one
// (docs/DESIGN.md §2).

namespace nerve_mtl::data {
namespace {

using phantom_internal::Anatomy;
using phantom_internal::AssignRole;
using phantom_internal::Grid;
using phantom_internal::kAnatomyKey;
using phantom_internal::kContextKey;
using phantom_internal::kNerveClassCount;
using phantom_internal::kSpeckleKey;
using phantom_internal::MakeAnatomy;
using phantom_internal::MakeChannel;
using phantom_internal::MakePatient;
using phantom_internal::Patient;
using phantom_internal::PatientSeed;
using phantom_internal::RenderChannel;
using phantom_internal::RenderEchogenicity;
using phantom_internal::Role;

absl::Status CheckAtLeast(absl::string_view field, int value, int minimum) {
  if (value >= minimum) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, " must be >= ", minimum, ", got ", value));
}

absl::Status CheckFraction(absl::string_view field, double value) {
  if (value >= 0.0 && value <= 1.0) return absl::OkStatus();  // False for NaN too.
  return absl::InvalidArgumentError(absl::StrCat(field, " must be in [0, 1], got ", value));
}

}  // namespace

std::vector<std::string> PhantomClassNames(const PhantomSource& spec) {
  std::vector<std::string> names = {"median", "radial", "ulnar"};
  if (spec.empty_fraction() > 0) names.push_back("none");
  return names;
}

Example GeneratePhantomExample(const PhantomSource& spec, int height, int width, int channels,
                               uint64_t seed, int patient, int index) {
  Example ex;
  ex.patient = absl::StrFormat("p%02d", patient + 1);
  ex.id = absl::StrFormat("%s/%04d", ex.patient, index);
  height = std::max(height, 1);
  width = std::max(width, 1);
  channels = std::max(channels, 1);
  ex.image = Image(channels, height, width);
  ex.mask = Mask(height, width);

  const uint64_t patient_seed = PatientSeed(seed, patient);
  const Patient p = MakePatient(patient_seed);
  const Role role = AssignRole(spec, patient_seed, patient, index);
  ex.label = role.label;
  const Grid grid{height, width, spec.field_of_view_mm() / std::max(height, width)};

  // Images with no nerve still show the surroundings of one of the three.
  const uint64_t anatomy_seed =
      DeriveSeed(patient_seed, {kAnatomyKey, static_cast<uint64_t>(role.anatomy_index)});
  const int context =
      role.nerve_visible
          ? role.label
          : static_cast<int>(
                Rng(DeriveSeed(anatomy_seed, {kContextKey})).UniformInt(kNerveClassCount));
  Anatomy an = MakeAnatomy(anatomy_seed, context, p, grid);
  an.nerve_visible = role.nerve_visible;

  std::vector<float> echo;
  RenderEchogenicity(an, p, grid, &echo, role.nerve_in_mask ? &ex.mask : nullptr);
  const size_t plane = static_cast<size_t>(height) * width;
  for (int c = 0; c < channels; ++c) {
    RenderChannel(echo, an, p, MakeChannel(seed, c), grid,
                  DeriveSeed(patient_seed,
                             {kSpeckleKey, static_cast<uint64_t>(index), static_cast<uint64_t>(c)}),
                  ex.image.pixels.data() + c * plane);
  }
  return ex;
}

absl::StatusOr<Dataset> GeneratePhantom(const PhantomSource& spec, int height, int width,
                                        int channels, uint64_t seed) {
  absl::Status s = CheckAtLeast("phantom.patients", spec.patients(), 1);
  if (s.ok()) s = CheckAtLeast("phantom.images_per_patient", spec.images_per_patient(), 1);
  if (s.ok()) s = CheckFraction("phantom.empty_fraction", spec.empty_fraction());
  if (s.ok()) s = CheckFraction("phantom.duplicate_fraction", spec.duplicate_fraction());
  if (s.ok() && spec.empty_fraction() + spec.duplicate_fraction() > 1.0) {
    s = absl::InvalidArgumentError(
        absl::StrCat("phantom.empty_fraction + phantom.duplicate_fraction must be <= 1, got ",
                     spec.empty_fraction() + spec.duplicate_fraction()));
  }
  if (s.ok() && !(spec.field_of_view_mm() >= 10.0 && spec.field_of_view_mm() <= 80.0)) {
    s = absl::InvalidArgumentError(absl::StrCat(
        "phantom.field_of_view_mm must be in [10, 80], got ", spec.field_of_view_mm()));
  }
  if (s.ok()) s = CheckAtLeast("height", height, 16);
  if (s.ok()) s = CheckAtLeast("width", width, 16);
  if (s.ok()) s = CheckAtLeast("channels", channels, 1);
  if (!s.ok()) return s;

  Dataset data;
  data.class_names = PhantomClassNames(spec);
  data.examples.reserve(static_cast<size_t>(spec.patients()) * spec.images_per_patient());
  for (int p = 0; p < spec.patients(); ++p) {
    for (int i = 0; i < spec.images_per_patient(); ++i) {
      data.examples.push_back(GeneratePhantomExample(spec, height, width, channels, seed, p, i));
    }
  }
  return data;
}

}  // namespace nerve_mtl::data
