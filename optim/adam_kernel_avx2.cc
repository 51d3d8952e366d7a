// Compiled with -mavx2 -mfma -ffp-contract=off (copts.bzl): fused multiply-adds only where
// written, as LibTorch's kernels have them.
#include <immintrin.h>

#include <cmath>

#include "optim/adam_kernel.h"

namespace nerve_mtl::optim {
namespace {

// The same roundings for one element, for the tail shorter than a vector.
void Element(const AdamKernelArrays& a, int64_t i, const AdamKernelScalars& s) {
  float g = a.grad[i];
  if (s.weight_decay != 0) g = std::fma(a.param[i], s.weight_decay, g);
  const float m = std::fma(g, s.one_minus_beta1, a.exp_avg[i] * s.beta1);
  const float v = std::fma(s.one_minus_beta2 * g, g, a.exp_avg_sq[i] * s.beta2);
  a.exp_avg[i] = m;
  a.exp_avg_sq[i] = v;
  float u = v;
  if (s.amsgrad) {
    const float old = a.max_exp_avg_sq[i];
    u = (std::isnan(v) || std::isnan(old)) ? std::nanf("") : (v < old ? old : v);
    a.max_exp_avg_sq[i] = u;
  }
  const float denom = std::sqrt(u) / s.bias_correction2_sqrt + s.eps;
  a.param[i] = a.param[i] + (s.negative_step_size * m) / denom;
}

}  // namespace

void AdamStepAvx2(const AdamKernelArrays& a, int64_t begin, int64_t end,
                  const AdamKernelScalars& s) {
  const __m256 beta1 = _mm256_set1_ps(s.beta1);
  const __m256 one_minus_beta1 = _mm256_set1_ps(s.one_minus_beta1);
  const __m256 beta2 = _mm256_set1_ps(s.beta2);
  const __m256 one_minus_beta2 = _mm256_set1_ps(s.one_minus_beta2);
  const __m256 weight_decay = _mm256_set1_ps(s.weight_decay);
  const __m256 bias_correction2_sqrt = _mm256_set1_ps(s.bias_correction2_sqrt);
  const __m256 eps = _mm256_set1_ps(s.eps);
  const __m256 negative_step_size = _mm256_set1_ps(s.negative_step_size);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    __m256 p = _mm256_loadu_ps(a.param + i);
    __m256 g = _mm256_loadu_ps(a.grad + i);
    if (s.weight_decay != 0) g = _mm256_fmadd_ps(p, weight_decay, g);
    const __m256 m =
        _mm256_fmadd_ps(g, one_minus_beta1, _mm256_mul_ps(_mm256_loadu_ps(a.exp_avg + i), beta1));
    const __m256 v = _mm256_fmadd_ps(_mm256_mul_ps(one_minus_beta2, g), g,
                                     _mm256_mul_ps(_mm256_loadu_ps(a.exp_avg_sq + i), beta2));
    _mm256_storeu_ps(a.exp_avg + i, m);
    _mm256_storeu_ps(a.exp_avg_sq + i, v);
    __m256 u = v;
    if (s.amsgrad) {
      const __m256 old = _mm256_loadu_ps(a.max_exp_avg_sq + i);
      // _mm256_max_ps drops a NaN in its first operand; torch.max propagates it, as here.
      u = _mm256_or_ps(_mm256_max_ps(v, old), _mm256_cmp_ps(v, old, _CMP_UNORD_Q));
      _mm256_storeu_ps(a.max_exp_avg_sq + i, u);
    }
    const __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(u), bias_correction2_sqrt), eps);
    p = _mm256_add_ps(p, _mm256_div_ps(_mm256_mul_ps(negative_step_size, m), denom));
    _mm256_storeu_ps(a.param + i, p);
  }
  for (; i < end; ++i) Element(a, i, s);
}

}  // namespace nerve_mtl::optim
