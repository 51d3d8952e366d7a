#ifndef NERVE_MTL_DATA_TRANSFORMS_H_
#define NERVE_MTL_DATA_TRANSFORMS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "data/random.h"

namespace nerve_mtl::data {

// Geometric transforms move image and mask together; the mask is sampled nearest.
void FlipHorizontal(Image* image, Mask* mask);
void FlipVertical(Image* image, Mask* mask);

// Elastic deformation (Simard et al. 2003): per-pixel uniform displacements in [-1, 1], smoothed
// by a Gaussian of `sigma` pixels, scaled to a root-mean-square displacement of `alpha` pixels.
// The image is resampled bilinearly (borders clamped), the mask nearest.
void ElasticDeform(double alpha, double sigma, Rng* rng, Image* image, Mask* mask);

// Checks probabilities in [0, 1], alpha >= 0 and sigma > 0, naming the field.
absl::Status ValidateAugmentation(const Augmentation& spec);

// Applies the augmentations of `spec`, each with its probability, drawing from `seed` alone: the
// same seed gives the same result whatever thread runs it.
void Augment(const Augmentation& spec, uint64_t seed, Image* image, Mask* mask);

// Checks std > 0 for fixed normalisation.
absl::Status ValidateNormalization(const Normalization& spec);

// Writes the image as channels * height * width floats, normalised as `spec` says.
void Normalize(const Image& image, const Normalization& spec, float* out);

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_TRANSFORMS_H_
