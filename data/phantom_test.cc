#include "data/phantom.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "data/data_spec.pb.h"
#include "data/example.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kGoldenChecksum = 0xcdf58a1cc14e5640ULL;

PhantomSource Spec(int patients, int images, double empty = 0.0, double duplicate = 0.0) {
  PhantomSource spec;
  spec.set_patients(patients);
  spec.set_images_per_patient(images);
  spec.set_empty_fraction(empty);
  spec.set_duplicate_fraction(duplicate);
  return spec;
}

PhantomSource Zoomed(PhantomSource spec, double field_of_view_mm) {
  spec.set_field_of_view_mm(field_of_view_mm);
  return spec;
}

Dataset Generate(const PhantomSource& spec, int size, int channels = 1, uint64_t seed = 7) {
  absl::StatusOr<Dataset> data = GeneratePhantom(spec, size, size, channels, seed);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *std::move(data) : Dataset();
}

int MaskArea(const Mask& mask) {
  int area = 0;
  for (uint8_t p : mask.pixels) area += p;
  return area;
}

// Percentile of channel 0 from its histogram.
double Percentile(const Image& image, double q) {
  std::array<int, 256> hist{};
  const int n = image.height * image.width;
  for (int i = 0; i < n; ++i) ++hist[image.pixels[i]];
  const int rank = std::min(n - 1, static_cast<int>(q * n));
  int seen = 0;
  for (int v = 0; v < 256; ++v) {
    seen += hist[v];
    if (seen > rank) return v;
  }
  return 255;
}

double Mean(const Image& image) {
  double sum = 0;
  const int n = image.height * image.width;
  for (int i = 0; i < n; ++i) sum += image.pixels[i];
  return sum / n;
}

double MeanInMask(const Example& ex) {
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < ex.mask.pixels.size(); ++i) {
    if (ex.mask.pixels[i]) {
      sum += ex.image.pixels[i];
      ++n;
    }
  }
  return n > 0 ? sum / n : 0.0;
}

// Channel 0 averaged over the (2r+1)^2 box around each pixel (clipped at the edges), from a
// summed-area table.
std::vector<double> BoxMean(const Image& image, int r) {
  const int h = image.height;
  const int w = image.width;
  std::vector<double> sat(static_cast<size_t>(h + 1) * (w + 1), 0.0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      sat[(y + 1) * (w + 1) + x + 1] = image.at(0, y, x) + sat[y * (w + 1) + x + 1] +
                                       sat[(y + 1) * (w + 1) + x] - sat[y * (w + 1) + x];
    }
  }
  std::vector<double> out(static_cast<size_t>(h) * w);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int y0 = std::max(0, y - r), y1 = std::min(h, y + r + 1);
      const int x0 = std::max(0, x - r), x1 = std::min(w, x + r + 1);
      const double sum = sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] -
                         sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0];
      out[static_cast<size_t>(y) * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

// Pearson correlation of channel 0 of two images.
double Correlation(const Image& a, const Image& b) {
  const int n = a.height * a.width;
  double ma = 0, mb = 0;
  for (int i = 0; i < n; ++i) {
    ma += a.pixels[i];
    mb += b.pixels[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < n; ++i) {
    const double da = a.pixels[i] - ma;
    const double db = b.pixels[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / std::sqrt(saa * sbb + 1e-12);
}

TEST(PhantomTest, SameSeedGivesIdenticalBytes) {
  const PhantomSource spec = Spec(3, 4, 0.25, 0.25);
  const Dataset a = Generate(spec, 48, 2);
  const Dataset b = Generate(spec, 48, 2);
  ASSERT_EQ(a.examples.size(), 12u);
  ASSERT_EQ(b.examples.size(), 12u);
  for (size_t i = 0; i < a.examples.size(); ++i) {
    EXPECT_EQ(a.examples[i].id, b.examples[i].id);
    EXPECT_EQ(a.examples[i].label, b.examples[i].label);
    EXPECT_EQ(a.examples[i].image.pixels, b.examples[i].image.pixels) << a.examples[i].id;
    EXPECT_EQ(a.examples[i].mask.pixels, b.examples[i].mask.pixels) << a.examples[i].id;
  }
}

TEST(PhantomTest, DifferentSeedGivesDifferentImages) {
  const PhantomSource spec = Spec(2, 3);
  const Dataset a = Generate(spec, 32, 1, 1);
  const Dataset b = Generate(spec, 32, 1, 2);
  ASSERT_EQ(a.examples.size(), b.examples.size());
  for (size_t i = 0; i < a.examples.size(); ++i) {
    EXPECT_NE(a.examples[i].image.pixels, b.examples[i].image.pixels) << a.examples[i].id;
  }
}

TEST(PhantomTest, ExampleMatchesDataset) {
  const PhantomSource spec = Spec(3, 5, 0.2, 0.2);
  const Dataset data = Generate(spec, 40, 2, 11);
  ASSERT_EQ(data.examples.size(), 15u);
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < 5; ++i) {
      const Example one = GeneratePhantomExample(spec, 40, 40, 2, 11, p, i);
      const Example& other = data.examples[p * 5 + i];
      EXPECT_EQ(one.id, other.id);
      EXPECT_EQ(one.patient, other.patient);
      EXPECT_EQ(one.label, other.label);
      EXPECT_EQ(one.image.pixels, other.image.pixels) << one.id;
      EXPECT_EQ(one.mask.pixels, other.mask.pixels) << one.id;
    }
  }
}

TEST(PhantomTest, IdsShapesAndPatients) {
  const Dataset data = Generate(Spec(12, 13), 16);
  ASSERT_EQ(data.examples.size(), 12u * 13u);
  EXPECT_EQ(data.examples.front().id, "p01/0000");
  EXPECT_EQ(data.examples.front().patient, "p01");
  EXPECT_EQ(data.examples[2 * 13 + 12].id, "p03/0012");
  EXPECT_EQ(data.examples.back().patient, "p12");
  for (const Example& ex : data.examples) {
    EXPECT_EQ(ex.image.channels, 1);
    EXPECT_EQ(ex.image.height, 16);
    EXPECT_EQ(ex.image.width, 16);
    EXPECT_EQ(ex.image.pixels.size(), 256u);
    EXPECT_EQ(ex.mask.height, 16);
    EXPECT_EQ(ex.mask.width, 16);
    for (uint8_t m : ex.mask.pixels) EXPECT_LE(m, 1);
  }
}

TEST(PhantomTest, ClassNames) {
  EXPECT_THAT(PhantomClassNames(Spec(1, 1)),
              ::testing::ElementsAre("median", "radial", "ulnar"));
  EXPECT_THAT(PhantomClassNames(Spec(1, 1, 0.1)),
              ::testing::ElementsAre("median", "radial", "ulnar", "none"));
  EXPECT_EQ(Generate(Spec(1, 1, 0.0, 0.5), 16).class_names.size(), 3u);
}

TEST(PhantomTest, LabelsBalancedAndEveryNerveMasked) {
  const Dataset data = Generate(Spec(12, 20), 48);
  std::array<int, 3> count{};
  for (const Example& ex : data.examples) {
    ASSERT_GE(ex.label, 0);
    ASSERT_LT(ex.label, 3);  // No "none" without empty_fraction.
    ++count[ex.label];
    EXPECT_FALSE(ex.mask.empty()) << ex.id;
    // The whole nerve is in view.
    for (int x = 0; x < ex.mask.width; ++x) {
      EXPECT_EQ(ex.mask.at(0, x), 0) << ex.id;
      EXPECT_EQ(ex.mask.at(ex.mask.height - 1, x), 0) << ex.id;
    }
    for (int y = 0; y < ex.mask.height; ++y) {
      EXPECT_EQ(ex.mask.at(y, 0), 0) << ex.id;
      EXPECT_EQ(ex.mask.at(y, ex.mask.width - 1), 0) << ex.id;
    }
  }
  for (int c : count) EXPECT_EQ(c, 80);
}

TEST(PhantomTest, SizeAndShapeOrderedByClass) {
  const Dataset data = Generate(Spec(12, 15), 96);
  std::array<double, 3> area{}, aspect{};
  std::array<int, 3> n{};
  for (const Example& ex : data.examples) {
    int x0 = ex.mask.width, x1 = -1, y0 = ex.mask.height, y1 = -1;
    for (int y = 0; y < ex.mask.height; ++y) {
      for (int x = 0; x < ex.mask.width; ++x) {
        if (!ex.mask.at(y, x)) continue;
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
      }
    }
    ASSERT_GE(x1, 0) << ex.id;
    area[ex.label] += MaskArea(ex.mask);
    aspect[ex.label] += static_cast<double>(x1 - x0 + 1) / (y1 - y0 + 1);
    ++n[ex.label];
  }
  for (int c = 0; c < 3; ++c) {
    area[c] /= n[c];
    aspect[c] /= n[c];
  }
  // median > ulnar > radial, clearly.
  EXPECT_GT(area[kPhantomMedian], 1.5 * area[kPhantomUlnar]);
  EXPECT_GT(area[kPhantomUlnar], 1.5 * area[kPhantomRadial]);
  EXPECT_GT(aspect[kPhantomMedian], aspect[kPhantomUlnar] + 0.2);
  EXPECT_GT(aspect[kPhantomUlnar], aspect[kPhantomRadial] + 0.1);
}

// Anatomy has a size in millimetres: halving the field of view doubles the nerve in pixels, so
// its mask area grows about 4x (the same anatomy is drawn; only what fits in depth may differ).
TEST(PhantomTest, FieldOfViewZoomsTheAnatomy) {
  const Dataset wide = Generate(Spec(6, 10), 64);
  const Dataset zoomed = Generate(Zoomed(Spec(6, 10), 20.0), 64);
  ASSERT_EQ(wide.examples.size(), zoomed.examples.size());
  double wide_area = 0, zoomed_area = 0;
  for (size_t i = 0; i < wide.examples.size(); ++i) {
    EXPECT_EQ(wide.examples[i].label, zoomed.examples[i].label) << "the zoom keeps the labels";
    wide_area += MaskArea(wide.examples[i].mask);
    zoomed_area += MaskArea(zoomed.examples[i].mask);
  }
  RecordProperty("area_ratio", std::to_string(zoomed_area / wide_area));
  EXPECT_NEAR(zoomed_area / wide_area, 4.0, 0.6);
}

// Dark connected blobs inside the mask, away from its edge: the fascicles.
int DarkBlobsInNerve(const Example& ex) {
  const int h = ex.image.height;
  const int w = ex.image.width;
  // Inside the mask by at least 2 pixels, so the sheath is left out.
  std::vector<uint8_t> inner(static_cast<size_t>(h) * w, 0);
  double sum = 0, sum2 = 0;
  int n = 0;
  for (int y = 2; y < h - 2; ++y) {
    for (int x = 2; x < w - 2; ++x) {
      bool in = true;
      for (int d = -2; d <= 2 && in; ++d) {
        in = ex.mask.at(y + d, x) && ex.mask.at(y, x + d);
      }
      if (!in) continue;
      inner[static_cast<size_t>(y) * w + x] = 1;
      const double v = ex.image.at(0, y, x);
      sum += v;
      sum2 += v * v;
      ++n;
    }
  }
  if (n == 0) return 0;
  const double mean = sum / n;
  const double threshold = mean - 0.5 * std::sqrt(std::max(0.0, sum2 / n - mean * mean));
  std::vector<uint8_t> dark(inner.size(), 0);
  for (size_t i = 0; i < inner.size(); ++i) {
    dark[i] = inner[i] && ex.image.pixels[i] < threshold;
  }
  // 4-connected components of at least 3 pixels.
  int blobs = 0;
  std::vector<int> stack;
  for (size_t start = 0; start < dark.size(); ++start) {
    if (!dark[start]) continue;
    int size = 0;
    dark[start] = 0;
    stack.push_back(static_cast<int>(start));
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      ++size;
      const int y = i / w;
      const int x = i % w;
      const int next[4][2] = {{y - 1, x}, {y + 1, x}, {y, x - 1}, {y, x + 1}};
      for (const auto& q : next) {
        if (q[0] < 0 || q[0] >= h || q[1] < 0 || q[1] >= w) continue;
        const int j = q[0] * w + q[1];
        if (dark[j]) {
          dark[j] = 0;
          stack.push_back(j);
        }
      }
    }
    if (size >= 3) ++blobs;
  }
  return blobs;
}

TEST(PhantomTest, FascicleCountOrderedByClass) {
  const Dataset data = Generate(Spec(6, 12), 256);
  std::array<double, 3> blobs{};
  std::array<int, 3> n{};
  for (const Example& ex : data.examples) {
    blobs[ex.label] += DarkBlobsInNerve(ex);
    ++n[ex.label];
  }
  for (int c = 0; c < 3; ++c) blobs[c] /= n[c];
  RecordProperty("dark_blobs_median", std::to_string(blobs[kPhantomMedian]));
  RecordProperty("dark_blobs_ulnar", std::to_string(blobs[kPhantomUlnar]));
  RecordProperty("dark_blobs_radial", std::to_string(blobs[kPhantomRadial]));
  EXPECT_GT(blobs[kPhantomMedian], 1.3 * blobs[kPhantomUlnar]);
  EXPECT_GT(blobs[kPhantomUlnar], 1.3 * blobs[kPhantomRadial]);
}

TEST(PhantomTest, EmptyAndDuplicateFractionsHonoured) {
  const PhantomSource spec = Spec(10, 20, 0.25, 0.1);
  const Dataset data = Generate(spec, 32);
  ASSERT_EQ(data.class_names.size(), 4u);
  int empty = 0;
  int duplicate = 0;
  for (const Example& ex : data.examples) {
    if (ex.label == kPhantomNone) {
      EXPECT_TRUE(ex.mask.empty()) << ex.id;
      ++empty;
    } else if (ex.mask.empty()) {
      ++duplicate;  // A nerve label with an empty mask: the contradictory near-duplicate.
    }
  }
  EXPECT_NEAR(empty, 50, 3);
  EXPECT_NEAR(duplicate, 20, 3);
  // Which images they are depends on the seed.
  const Dataset other = Generate(spec, 32, 1, 8);
  int moved = 0;
  for (size_t i = 0; i < data.examples.size(); ++i) {
    moved += (data.examples[i].label == kPhantomNone) != (other.examples[i].label == kPhantomNone);
  }
  EXPECT_GT(moved, 10);
}

TEST(PhantomTest, DuplicatesShowAnotherImagesAnatomy) {
  const Dataset data = Generate(Spec(4, 12, 0.0, 0.25), 64);
  int duplicates = 0;
  for (const Example& dup : data.examples) {
    if (!dup.mask.empty()) continue;
    ++duplicates;
    // Its best match in the same patient is a masked image of the same class, and far closer
    // than the typical image of that patient.
    double best = -1, typical = 0;
    int others = 0;
    const Example* match = nullptr;
    for (const Example& ex : data.examples) {
      if (&ex == &dup || ex.patient != dup.patient) continue;
      const double r = Correlation(dup.image, ex.image);
      typical += r;
      ++others;
      if (r > best) {
        best = r;
        match = &ex;
      }
    }
    typical /= others;
    ASSERT_NE(match, nullptr);
    EXPECT_EQ(match->label, dup.label) << dup.id;
    EXPECT_FALSE(match->mask.empty()) << dup.id;
    EXPECT_GT(best, typical + 0.2) << dup.id;
    EXPECT_NE(match->image.pixels, dup.image.pixels) << dup.id;  // New speckle.
  }
  EXPECT_EQ(duplicates, 12);
}

TEST(PhantomTest, ChannelsShareAnatomyWithDifferentContrast) {
  const PhantomSource spec = Spec(2, 3);
  const Dataset one = Generate(spec, 64, 1);
  const Dataset three = Generate(spec, 64, 3);
  const size_t plane = 64 * 64;
  for (size_t i = 0; i < one.examples.size(); ++i) {
    const Example& a = one.examples[i];
    const Example& b = three.examples[i];
    EXPECT_EQ(a.mask.pixels, b.mask.pixels);
    EXPECT_EQ(a.label, b.label);
    ASSERT_EQ(b.image.pixels.size(), 3 * plane);
    // Channel 0 is the nominal acquisition; the others differ.
    EXPECT_TRUE(std::equal(a.image.pixels.begin(), a.image.pixels.end(),
                           b.image.pixels.begin()));
    for (int c = 1; c < 3; ++c) {
      Image channel(1, 64, 64);
      std::copy(b.image.pixels.begin() + c * plane, b.image.pixels.begin() + (c + 1) * plane,
                channel.pixels.begin());
      EXPECT_NE(channel.pixels, a.image.pixels);
      // Same anatomy: strongly correlated with channel 0.
      EXPECT_GT(Correlation(channel, a.image), 0.3) << a.id << " channel " << c;
    }
  }
}

TEST(PhantomTest, AnatomyScalesWithImageSize) {
  const PhantomSource spec = Spec(3, 4);
  const Dataset small = Generate(spec, 64);
  const Dataset large = Generate(spec, 128);
  for (size_t i = 0; i < small.examples.size(); ++i) {
    const double a = MaskArea(small.examples[i].mask) / (64.0 * 64.0);
    const double b = MaskArea(large.examples[i].mask) / (128.0 * 128.0);
    EXPECT_NEAR(a / b, 1.0, 0.15) << small.examples[i].id;
  }
}

TEST(PhantomTest, NerveIsNeitherBrightestNorDarkest) {
  const Dataset data = Generate(Spec(12, 10), 128);
  int between = 0;
  int darkest_in_nerve = 0;
  int brightest_in_nerve = 0;
  double mean_inside = 0, mean_p5 = 0, mean_p95 = 0;
  for (const Example& ex : data.examples) {
    const double inside = MeanInMask(ex);
    const double p5 = Percentile(ex.image, 0.05);
    const double p95 = Percentile(ex.image, 0.95);
    between += p5 < inside && inside < p95;
    mean_inside += inside;
    mean_p5 += p5;
    mean_p95 += p95;
    // Blobs the size of a small nerve (~2 mm).
    const std::vector<double> smooth = BoxMean(ex.image, 3);
    const auto [lo, hi] = std::minmax_element(smooth.begin(), smooth.end());
    darkest_in_nerve += ex.mask.pixels[lo - smooth.begin()];
    brightest_in_nerve += ex.mask.pixels[hi - smooth.begin()];
  }
  const double n = static_cast<double>(data.examples.size());
  EXPECT_GT(mean_inside / n, mean_p5 / n);
  EXPECT_LT(mean_inside / n, mean_p95 / n);
  EXPECT_GE(between / n, 0.95);
  EXPECT_LE(darkest_in_nerve / n, 0.05);
  EXPECT_LE(brightest_in_nerve / n, 0.15);
  RecordProperty("darkest_in_nerve", std::to_string(darkest_in_nerve / n));
  RecordProperty("brightest_in_nerve", std::to_string(brightest_in_nerve / n));
}

// Gain, attenuation and dynamic range are drawn per patient, so image brightness varies far
// more between patients than between images of one patient.
TEST(PhantomTest, PatientsDifferMoreThanImages) {
  const int patients = 8, images = 12;
  const Dataset data = Generate(Spec(patients, images), 48);
  std::vector<double> patient_mean(patients, 0.0);
  double within = 0;
  for (int p = 0; p < patients; ++p) {
    std::vector<double> means;
    for (int i = 0; i < images; ++i) means.push_back(Mean(data.examples[p * images + i].image));
    for (double m : means) patient_mean[p] += m / images;
    for (double m : means) within += (m - patient_mean[p]) * (m - patient_mean[p]);
  }
  within /= patients * (images - 1);
  double grand = 0, between = 0;
  for (double m : patient_mean) grand += m / patients;
  for (double m : patient_mean) between += (m - grand) * (m - grand);
  between /= patients - 1;
  EXPECT_GT(between, 4.0 * within) << "between " << between << ", within " << within;
}

// Mean, std and 10/50/90th percentiles of the whole image.
std::array<double, 5> GlobalFeatures(const Image& image) {
  const double mean = Mean(image);
  double var = 0;
  const int n = image.height * image.width;
  for (int i = 0; i < n; ++i) var += (image.pixels[i] - mean) * (image.pixels[i] - mean);
  return {mean, std::sqrt(var / n), Percentile(image, 0.1), Percentile(image, 0.5),
          Percentile(image, 0.9)};
}

// Patients differ more than nerves do: a classifier that sees only global intensity statistics,
// trained on half of the patients, stays far from perfect on the others.
TEST(PhantomTest, GlobalStatisticsDoNotRevealClass) {
  const Dataset data = Generate(Spec(12, 30), 64);
  std::vector<std::array<double, 5>> features;
  std::vector<int> labels;
  std::vector<bool> train;
  for (const Example& ex : data.examples) {
    features.push_back(GlobalFeatures(ex.image));
    labels.push_back(ex.label);
    train.push_back(ex.patient <= "p06");
  }
  // Standardise with the training set's statistics.
  std::array<double, 5> mu{}, sd{};
  int n_train = 0;
  for (size_t i = 0; i < features.size(); ++i) {
    if (!train[i]) continue;
    ++n_train;
    for (int k = 0; k < 5; ++k) mu[k] += features[i][k];
  }
  for (int k = 0; k < 5; ++k) mu[k] /= n_train;
  for (size_t i = 0; i < features.size(); ++i) {
    if (!train[i]) continue;
    for (int k = 0; k < 5; ++k) sd[k] += (features[i][k] - mu[k]) * (features[i][k] - mu[k]);
  }
  for (int k = 0; k < 5; ++k) sd[k] = std::sqrt(sd[k] / n_train) + 1e-9;
  for (auto& f : features) {
    for (int k = 0; k < 5; ++k) f[k] = (f[k] - mu[k]) / sd[k];
  }
  auto dist2 = [](const std::array<double, 5>& a, const std::array<double, 5>& b) {
    double d = 0;
    for (int k = 0; k < 5; ++k) d += (a[k] - b[k]) * (a[k] - b[k]);
    return d;
  };

  // Nearest class mean.
  std::array<std::array<double, 5>, 3> centroid{};
  std::array<int, 3> count{};
  for (size_t i = 0; i < features.size(); ++i) {
    if (!train[i]) continue;
    ++count[labels[i]];
    for (int k = 0; k < 5; ++k) centroid[labels[i]][k] += features[i][k];
  }
  for (int c = 0; c < 3; ++c) {
    for (int k = 0; k < 5; ++k) centroid[c][k] /= count[c];
  }
  // And 5 nearest neighbours.
  int tested = 0, ncm_correct = 0, knn_correct = 0;
  for (size_t i = 0; i < features.size(); ++i) {
    if (train[i]) continue;
    ++tested;
    int best = 0;
    for (int c = 1; c < 3; ++c) {
      if (dist2(features[i], centroid[c]) < dist2(features[i], centroid[best])) best = c;
    }
    ncm_correct += best == labels[i];
    std::vector<std::pair<double, int>> neighbours;
    for (size_t j = 0; j < features.size(); ++j) {
      if (train[j]) neighbours.push_back({dist2(features[i], features[j]), labels[j]});
    }
    std::partial_sort(neighbours.begin(), neighbours.begin() + 5, neighbours.end());
    std::array<int, 3> votes{};
    for (int k = 0; k < 5; ++k) ++votes[neighbours[k].second];
    knn_correct += std::max_element(votes.begin(), votes.end()) - votes.begin() == labels[i];
  }
  const double ncm = static_cast<double>(ncm_correct) / tested;
  const double knn = static_cast<double>(knn_correct) / tested;
  RecordProperty("nearest_class_mean_accuracy", std::to_string(ncm));
  RecordProperty("knn_accuracy", std::to_string(knn));
  std::cout << "global-statistics accuracy: nearest class mean " << ncm << ", 5-NN " << knn
            << " (chance 0.33)\n";
  EXPECT_LT(ncm, 0.6);
  EXPECT_LT(knn, 0.6);
}

uint64_t Fnv1a(uint64_t h, const std::vector<uint8_t>& bytes) {
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ULL;
  return h;
}

// The promise is the same bytes on every machine and build mode: pinned here, so that a
// compiler, library or platform that breaks it fails this test. A deliberate change to the
// generator updates the constant.
TEST(PhantomTest, MatchesGoldenChecksum) {
  const Dataset data = Generate(Spec(2, 3, 0.34, 0.34), 40, 2, 42);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const Example& ex : data.examples) {
    h = Fnv1a(h, ex.image.pixels);
    h = Fnv1a(h, ex.mask.pixels);
    h = Fnv1a(h, {static_cast<uint8_t>(ex.label)});
  }
  EXPECT_EQ(h, kGoldenChecksum) << std::hex << "0x" << h;
}

TEST(PhantomTest, RejectsBadSpec) {
  struct Case {
    PhantomSource spec;
    int height, width, channels;
    std::string field;
  };
  const std::vector<Case> cases = {
      {Spec(0, 4), 32, 32, 1, "phantom.patients must be >= 1, got 0"},
      {Spec(2, 0), 32, 32, 1, "phantom.images_per_patient"},
      {Spec(2, 4, -0.1), 32, 32, 1, "phantom.empty_fraction"},
      {Spec(2, 4, 1.5), 32, 32, 1, "phantom.empty_fraction"},
      {Spec(2, 4, std::numeric_limits<double>::quiet_NaN()), 32, 32, 1, "phantom.empty_fraction"},
      {Spec(2, 4, 0.0, 2.0), 32, 32, 1, "phantom.duplicate_fraction"},
      {Spec(2, 4, 0.6, 0.6), 32, 32, 1, "phantom.duplicate_fraction"},
      {Spec(2, 4), 15, 32, 1, "height must be >= 16, got 15"},
      {Spec(2, 4), 32, 8, 1, "width must be >= 16"},
      {Spec(2, 4), 32, 32, 0, "channels must be >= 1"},
      {Zoomed(Spec(2, 4), 5.0), 32, 32, 1, "phantom.field_of_view_mm must be in [10, 80], got 5"},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Dataset> data =
        GeneratePhantom(c.spec, c.height, c.width, c.channels, 0);
    ASSERT_FALSE(data.ok()) << c.field;
    EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(data.status().message()), HasSubstr(c.field));
  }
}

TEST(PhantomTest, DefaultSpecAndNonSquareImages) {
  const PhantomSource spec;  // 12 patients x 40 images.
  const Example ex = GeneratePhantomExample(spec, 48, 80, 1, 0, 11, 39);
  EXPECT_EQ(ex.id, "p12/0039");
  EXPECT_EQ(ex.image.height, 48);
  EXPECT_EQ(ex.image.width, 80);
  EXPECT_FALSE(ex.mask.empty());
}

}  // namespace
}  // namespace nerve_mtl::data
