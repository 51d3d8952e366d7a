#ifndef NERVE_MTL_DATA_RANDOM_H_
#define NERVE_MTL_DATA_RANDOM_H_

#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace nerve_mtl::data {

// SplitMix64 finaliser: a bijective 64-bit mix, used to derive independent seeds.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed for one purpose, e.g. DeriveSeed(seed, {kPhantomStream, patient, image}). Streams with
// different keys are independent, so adding a draw in one place never shifts another.
inline uint64_t DeriveSeed(uint64_t seed, std::initializer_list<uint64_t> keys) {
  uint64_t h = Mix64(seed);
  for (uint64_t k : keys) h = Mix64(h ^ Mix64(k + 0x632be59bd9b4e019ULL));
  return h;
}

// xoshiro256** seeded through SplitMix64. Our own integer generator with our own conversions,
// because std:: distributions differ between standard libraries and we promise byte-identical
// data on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      s = Mix64(seed);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method).
  uint64_t UniformInt(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal by Box-Muller (glibc's log/cos/sqrt are correctly rounded in practice).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace nerve_mtl::data

#endif  // NERVE_MTL_DATA_RANDOM_H_
