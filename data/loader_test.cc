#include "data/loader.h"

#include <ATen/Functions.h>

#include <algorithm>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace nerve_mtl::data {
namespace {

// Example i has every pixel equal to i and label i % 3; masks mark the left half.
Dataset Numbered(int n, int h, int w) {
  Dataset d;
  d.class_names = {"a", "b", "c"};
  for (int i = 0; i < n; ++i) {
    Example e;
    e.label = i % 3;
    e.image = Image(1, h, w);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) e.image.at(0, y, x) = static_cast<uint8_t>(i + (x * y) % 7);
    }
    e.mask = Mask(h, w);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w / 2; ++x) e.mask.at(y, x) = 1;
    }
    d.examples.push_back(e);
  }
  return d;
}

DataSpec Spec(int h, int w) {
  DataSpec spec;
  spec.set_height(h);
  spec.set_width(w);
  spec.mutable_normalization()->set_mode(NORMALIZATION_UNIT_RANGE);
  spec.mutable_augmentation()->set_hflip_probability(0.5);
  spec.mutable_augmentation()->set_elastic_probability(0.5);
  spec.set_seed(11);
  return spec;
}

std::vector<Batch> Epoch(BatchLoader* loader) {
  std::vector<Batch> out;
  while (auto b = loader->Next()) out.push_back(*b);
  return out;
}

TEST(BatchLoaderTest, ShapesValuesAndCoverage) {
  const Dataset d = Numbered(10, 8, 6);
  LoaderOptions options;
  options.batch_size = 4;
  BatchLoader loader(d, {0, 2, 4, 6, 8, 9, 7}, Spec(8, 6), options);
  EXPECT_EQ(loader.size(), 2);
  auto batches = Epoch(&loader);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].images.sizes(), (at::IntArrayRef{4, 1, 8, 6}));
  EXPECT_EQ(batches[0].masks.sizes(), (at::IntArrayRef{4, 8, 6}));
  EXPECT_EQ(batches[1].labels.size(0), 3);
  EXPECT_EQ(batches[0].indices, (std::vector<int>{0, 2, 4, 6}));  // unshuffled keeps order
  EXPECT_FLOAT_EQ(batches[0].images[1][0][0][0].item<float>(), 2.0f / 255.0f);
  EXPECT_EQ(batches[0].labels[2].item<int64_t>(), 4 % 3);
  EXPECT_EQ(batches[0].masks.sum().item<int64_t>(), 4 * 8 * 3);
  EXPECT_FALSE(loader.Next().has_value());
}

TEST(BatchLoaderTest, TheExperimentSeedChangesOrderAndAugmentationNotTheImages) {
  const Dataset d = Numbered(12, 8, 6);
  std::vector<int> all(12);
  for (int i = 0; i < 12; ++i) all[i] = i;
  LoaderOptions options;
  options.batch_size = 12;
  options.shuffle = true;
  options.augment = true;
  options.seed = 1;
  BatchLoader a(d, all, Spec(8, 6), options), same(d, all, Spec(8, 6), options);
  options.seed = 2;
  BatchLoader b(d, all, Spec(8, 6), options);
  const Batch ea = Epoch(&a)[0], esame = Epoch(&same)[0], eb = Epoch(&b)[0];
  EXPECT_EQ(ea.indices, esame.indices);
  EXPECT_TRUE(ea.images.equal(esame.images));
  EXPECT_NE(ea.indices, eb.indices);
  // Both epochs hold the same 12 examples.
  std::vector<int> sa = ea.indices, sb = eb.indices;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  EXPECT_EQ(sa, sb);
  // Some augmented image differs between the seeds (hflip and elastic at p = 0.5 each:
  // over 12 examples, the chance that no draw differs is negligible).
  int differing = 0;
  for (int k = 0; k < 12; ++k) {
    const int64_t ia = std::find(ea.indices.begin(), ea.indices.end(), k) - ea.indices.begin();
    const int64_t ib = std::find(eb.indices.begin(), eb.indices.end(), k) - eb.indices.begin();
    differing += ea.images[ia].equal(eb.images[ib]) ? 0 : 1;
  }
  EXPECT_GT(differing, 0);
}

TEST(BatchLoaderTest, ShuffleIsSeededPerEpochAndCoversEveryExample) {
  const Dataset d = Numbered(12, 4, 4);
  LoaderOptions options;
  options.batch_size = 5;
  options.shuffle = true;
  options.drop_last = true;
  std::vector<int> all(12);
  for (int i = 0; i < 12; ++i) all[i] = i;
  BatchLoader a(d, all, Spec(4, 4), options), b(d, all, Spec(4, 4), options);
  auto ea = Epoch(&a);
  auto eb = Epoch(&b);
  ASSERT_EQ(ea.size(), 2u);  // 12 / 5, last dropped
  EXPECT_EQ(ea[0].indices, eb[0].indices);
  a.StartEpoch(1);
  auto e1 = Epoch(&a);
  EXPECT_NE(e1[0].indices, ea[0].indices);
  std::set<int> seen;
  options.drop_last = false;
  BatchLoader c(d, all, Spec(4, 4), options);
  for (const Batch& batch : Epoch(&c)) seen.insert(batch.indices.begin(), batch.indices.end());
  EXPECT_EQ(seen.size(), 12u);
}

TEST(BatchLoaderTest, WorkersGiveIdenticalAugmentedBatches) {
  const Dataset d = Numbered(23, 16, 16);
  std::vector<int> all(23);
  for (int i = 0; i < 23; ++i) all[i] = i;
  LoaderOptions options;
  options.batch_size = 3;
  options.shuffle = true;
  options.augment = true;
  BatchLoader serial(d, all, Spec(16, 16), options);
  options.workers = 3;
  options.prefetch = 1;
  BatchLoader threaded(d, all, Spec(16, 16), options);
  for (int epoch = 0; epoch < 2; ++epoch) {
    serial.StartEpoch(epoch);
    threaded.StartEpoch(epoch);
    auto s = Epoch(&serial);
    auto t = Epoch(&threaded);
    ASSERT_EQ(s.size(), t.size());
    for (size_t k = 0; k < s.size(); ++k) {
      EXPECT_EQ(s[k].indices, t[k].indices);
      EXPECT_TRUE(at::equal(s[k].images, t[k].images)) << "epoch " << epoch << " batch " << k;
      EXPECT_TRUE(at::equal(s[k].masks, t[k].masks));
    }
  }
  // Augmentation actually happened: some image differs from the unaugmented one.
  options.augment = false;
  options.workers = 0;
  BatchLoader plain(d, all, Spec(16, 16), options);
  serial.StartEpoch(0);
  EXPECT_FALSE(at::equal(Epoch(&plain)[0].images, Epoch(&serial)[0].images));
}

TEST(BatchLoaderTest, AbandoningAnEpochDoesNotHang) {
  const Dataset d = Numbered(40, 8, 8);
  std::vector<int> all(40);
  for (int i = 0; i < 40; ++i) all[i] = i;
  LoaderOptions options;
  options.batch_size = 2;
  options.workers = 2;
  BatchLoader loader(d, all, Spec(8, 8), options);
  ASSERT_TRUE(loader.Next().has_value());
  loader.StartEpoch(1);
  ASSERT_TRUE(loader.Next().has_value());
}  // Destroyed with workers mid-epoch.

}  // namespace
}  // namespace nerve_mtl::data
