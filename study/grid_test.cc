#include "study/grid.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/textproto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Study Parse(const char* text) {
  Study study;
  absl::Status s = ParseTextProto(text, "study", &study);
  EXPECT_TRUE(s.ok()) << s;
  return study;
}

constexpr char kProduct[] = R"pb(
  base { model { name: "quickfcn" } training { epochs: 2 } }
  axis {
    name: "strategy"
    value { label: "linear" set { loss { strategy: "linear" } } }
    value { label: "equal" set { loss { strategy: "equal" } } }
  }
  axis {
    name: "filters"
    value { label: "8" set { model { filters: 8 } } }
    value { label: "16" set { model { filters: 16 } } }
    value { label: "32" set { model { filters: 32 } } }
  }
  seed: 0
  seed: 1
)pb";

TEST(GridTest, ProductOverSeedsInAxisOrder) {
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(Parse(kProduct));
  ASSERT_TRUE(trials.ok()) << trials.status();
  ASSERT_EQ(trials->size(), 2u * 3u * 2u);
  EXPECT_EQ((*trials)[0].label, "linear / 8");
  EXPECT_EQ((*trials)[1].label, "linear / 8");
  EXPECT_EQ((*trials)[1].seed, 1u);
  EXPECT_EQ((*trials)[2].label, "linear / 16");
  EXPECT_EQ((*trials)[11].label, "equal / 32");
  EXPECT_EQ((*trials)[11].experiment.model().filters(), 32);
  EXPECT_EQ((*trials)[11].experiment.loss().strategy(), "equal");
  EXPECT_EQ((*trials)[11].experiment.name(), "equal / 32");
  EXPECT_EQ((*trials)[11].experiment.training().epochs(), 2) << "base fields stay";
  std::set<std::string> ids;
  for (const Trial& t : *trials) ids.insert(t.id);
  EXPECT_EQ(ids.size(), trials->size());

  // Deterministic: the same study gives the same IDs in the same order.
  absl::StatusOr<std::vector<Trial>> again = ExpandStudy(Parse(kProduct));
  for (size_t i = 0; i < trials->size(); ++i) EXPECT_EQ((*trials)[i].id, (*again)[i].id);
}

// Cross-validation as the default study runs it: the fold axis comes first in the file but is
// pooled, so the rows are the variants, each with 2 folds x 2 seeds, in one run of the grid.
constexpr char kPooled[] = R"pb(
  base {
    model { name: "quicknat" }
    data { split { kfold { folds: 2 val_patients: 1 } } }
  }
  axis {
    name: "fold"
    pooled: true
    value { label: "fold 0" set { data { split { kfold { folds: 2 fold: 0 val_patients: 1 } } } } }
    value { label: "fold 1" set { data { split { kfold { folds: 2 fold: 1 val_patients: 1 } } } } }
  }
  axis {
    name: "variant"
    value { label: "QuickNAT" set { model { filters: 8 } } }
    value { label: "wide" set { model { filters: 16 } } }
  }
  seed: 0
  seed: 1
)pb";

TEST(GridTest, PooledAxesAreReplicatesOfOneRow) {
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(Parse(kPooled));
  ASSERT_TRUE(trials.ok()) << trials.status();
  ASSERT_EQ(trials->size(), 2u * 2u * 2u);
  std::vector<std::string> rows, replicates;
  std::vector<int> folds, filters;
  std::set<std::string> ids;
  for (const Trial& t : *trials) {
    rows.push_back(t.label);
    replicates.push_back(absl::StrCat(t.replicate, " s", t.seed));
    folds.push_back(t.experiment.data().split().kfold().fold());
    filters.push_back(t.experiment.model().filters());
    EXPECT_EQ(t.experiment.name(), t.label);
    ids.insert(t.id);
  }
  EXPECT_THAT(rows, ElementsAre("QuickNAT", "QuickNAT", "QuickNAT", "QuickNAT", "wide", "wide",
                                "wide", "wide"));
  EXPECT_THAT(replicates, ElementsAre("fold 0 s0", "fold 0 s1", "fold 1 s0", "fold 1 s1",
                                      "fold 0 s0", "fold 0 s1", "fold 1 s0", "fold 1 s1"));
  EXPECT_THAT(folds, ElementsAre(0, 0, 1, 1, 0, 0, 1, 1)) << "the fold value is merged";
  EXPECT_THAT(filters, ElementsAre(8, 8, 8, 8, 16, 16, 16, 16));
  EXPECT_EQ(ids.size(), trials->size()) << "folds are distinct experiments";

  Study zipped = Parse(kPooled);
  zipped.set_combine(ZIP);
  EXPECT_THAT(ExpandStudy(zipped).status().message(),
              HasSubstr("study.axis[0] (fold) is pooled, which needs combine PRODUCT"));
}

TEST(GridTest, ZipPairsValues) {
  Study study = Parse(kProduct);
  study.set_combine(ZIP);
  EXPECT_THAT(ExpandStudy(study).status().message(),
              HasSubstr("ZIP but axis 'filters' has 3 values and axis 'strategy' has 2"));
  study.mutable_axis(1)->mutable_value()->RemoveLast();
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
  ASSERT_TRUE(trials.ok()) << trials.status();
  ASSERT_EQ(trials->size(), 4u);
  EXPECT_EQ((*trials)[2].label, "equal / 16");
}

TEST(GridTest, InvalidTrialsAndDuplicatesAreNamed) {
  Study bad = Parse(kProduct);
  bad.mutable_axis(1)->mutable_value(2)->mutable_set()->mutable_training()->set_epochs(0);
  EXPECT_THAT(ExpandStudy(bad).status().message(),
              HasSubstr("trial 'linear / 32': training.epochs must be >= 1"));
  Study same = Parse(kProduct);
  same.mutable_axis(1)->mutable_value(2)->mutable_set()->mutable_model()->set_filters(16);
  EXPECT_THAT(ExpandStudy(same).status().message(),
              HasSubstr("trials 'linear / 16' and 'linear / 32' are the same experiment"));
}

TEST(GridTest, ShardsAreDisjointAndCoverTheGrid) {
  absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(Parse(kProduct));
  ASSERT_TRUE(trials.ok());
  std::multiset<std::string> seen;
  for (int i = 0; i < 5; ++i) {
    for (const Trial& t : ShardTrials(*trials, i, 5)) seen.insert(t.id);
  }
  EXPECT_EQ(seen.size(), trials->size());
  for (const Trial& t : *trials) EXPECT_EQ(seen.count(t.id), 1u);
  int index = -1, count = -1;
  ASSERT_TRUE(ParseShard("2/5", &index, &count).ok());
  EXPECT_EQ(index, 2);
  EXPECT_EQ(count, 5);
  EXPECT_FALSE(ParseShard("5/5", &index, &count).ok());
  EXPECT_FALSE(ParseShard("1", &index, &count).ok());
  EXPECT_THAT(ParseShard("a/b", &index, &count).message(), HasSubstr("--shard must be i/n"));
}

}  // namespace
}  // namespace nerve_mtl::study
