// The spec a trial saves (experiment.textproto, SavedExperiment) parses, validates, builds and
// hashes back to the trial's id: for every row of every study in study/studies/, and for rows of
// every network on a 2-class Kaggle fixture and on a 4-class phantom (empty images add "none"),
// whose saved class count differs from the proto's default of 3.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/textproto.h"
#include "data/image_io.h"
#include "data/load.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "study/downloaded_sets_fixture.h"
#include "study/grid.h"
#include "study/preflight.h"
#include "study/spec.h"
#include "study/study.pb.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

std::string TmpDir() {
  const char* root = std::getenv("TEST_TMPDIR");
  return root != nullptr ? root : "/tmp";
}

class SavedSpecTest : public ::testing::Test {
 protected:
  // The data of a spec, loaded once per distinct DataSpec (the paper profile's is large).
  const data::LoadedData& Data(const data::DataSpec& spec) {
    const std::string key = spec.SerializeAsString();
    auto it = data_.find(key);
    if (it == data_.end()) {
      absl::StatusOr<data::LoadedData> loaded = data::LoadData(spec);
      EXPECT_TRUE(loaded.ok()) << loaded.status();
      it = data_.emplace(key, loaded.ok() ? *std::move(loaded) : data::LoadedData()).first;
    }
    return it->second;
  }

  // Saves `row` as the trainer does, reads the file back as //study:train --spec would, and
  // checks what a rerun relies on. Returns the saved class count.
  int RoundTrip(const Experiment& row, const std::string& where) {
    const data::LoadedData& data = Data(row.data());
    const int classes = static_cast<int>(data.dataset.class_names.size());
    const Experiment saved = SavedExperiment(row, classes);
    std::string text;
    google::protobuf::TextFormat::PrintToString(saved, &text);
    const std::string path = (fs::path(TmpDir()) / "experiment.textproto").string();
    std::ofstream(path) << text;
    absl::StatusOr<Experiment> parsed = LoadExperiment(path, {});
    EXPECT_TRUE(parsed.ok()) << where << ": " << parsed.status() << "\n" << text;
    if (!parsed.ok()) return classes;
    absl::StatusOr<RowFacts> facts = CheckExperiment(*parsed, data);
    EXPECT_TRUE(facts.ok()) << where << ": " << facts.status();
    EXPECT_EQ(TrialId(*parsed), TrialId(row)) << where;
    EXPECT_EQ(parsed->model().classification_classes(), classes) << where;
    // Saving a saved spec again changes nothing (a rerun's spec equals the trial's).
    EXPECT_EQ(SavedExperiment(*parsed, classes).SerializeAsString(), saved.SerializeAsString())
        << where;
    return classes;
  }

  std::map<std::string, data::LoadedData> data_;
};

TEST_F(SavedSpecTest, EveryRowOfEveryStudy) {
  // The studies of downloaded sets read stand-ins where they look ("//datasets/...").
  const std::string workspace = (fs::path(TmpDir()) / "workspace").string();
  ASSERT_TRUE(WriteDownloadedSets(workspace).ok());
  ASSERT_EQ(setenv("BUILD_WORKSPACE_DIRECTORY", workspace.c_str(), 1), 0);
  int rows = 0;
  for (const auto& entry : fs::directory_iterator("study/studies")) {
    if (entry.path().extension() != ".textproto") continue;
    Study study;
    ASSERT_TRUE(ReadTextProtoFile(entry.path().string(), &study).ok()) << entry.path();
    absl::StatusOr<std::vector<Trial>> trials = ExpandStudy(study);
    ASSERT_TRUE(trials.ok()) << trials.status();
    // Every row and seed once: a pooled axis's replicates (cross-validation folds) differ only
    // in data.split's fold, so the first stands for the others. Checking every fold of the
    // GPU-sized studies (busi and kaggle: 100 trials at 256x256 and 208x288) took this test from
    // about 300 s to 711 s of its 900 (2026-12-01).
    std::set<std::pair<std::string, uint64_t>> checked;
    for (const Trial& trial : *trials) {
      if (!checked.insert({trial.label, trial.seed}).second) continue;
      RoundTrip(trial.experiment, entry.path().string() + ": " + trial.label);
      ++rows;
    }
  }
  // smoke (4 rows), default (10 rows, 2 seeds) and paper (10 rows, 3 seeds), busi and kaggle
  // (10 rows each): every study was read.
  EXPECT_GE(rows, 4 + 20 + 30 + 2 * 10);
}

Experiment Row(const std::string& model, const data::DataSpec& data) {
  Experiment e;
  e.set_name(model);
  *e.mutable_data() = data;
  e.mutable_model()->set_name(model);
  e.mutable_model()->set_filters(4);
  e.mutable_model()->set_kernel_size(3);
  e.mutable_model()->set_depth(2);
  e.mutable_model()->set_resnet_width(4);
  if (model == "quickfcn" || model == "softquickfcn") e.mutable_loss()->set_strategy("linear");
  e.mutable_training()->set_epochs(1);
  return e;
}

const char* const kModels[] = {"quicknat", "resultnet", "quickfcn", "softquickfcn"};

TEST_F(SavedSpecTest, TwoClassKaggleFixture) {
  const std::string dir = (fs::path(TmpDir()) / "kaggle").string();
  fs::create_directories(dir);
  // 4 subjects x 4 images, every second one with a nerve: classes "absent" and "present".
  for (int subject = 1; subject <= 4; ++subject) {
    for (int n = 1; n <= 4; ++n) {
      data::Image image(1, 42, 58), mask(1, 42, 58);
      for (int y = 0; y < 42; ++y) {
        for (int x = 0; x < 58; ++x) {
          image.at(0, y, x) = static_cast<uint8_t>((subject * 53 + n * 97 + x * x + 3 * y * n) % 256);
          mask.at(0, y, x) = (n % 2 == 0 && y > 10 && y < 20 && x > 10 && x < 30) ? 255 : 0;
        }
      }
      const std::string stem = dir + "/" + std::to_string(subject) + "_" + std::to_string(n);
      ASSERT_TRUE(data::WriteTiff(stem + ".tif", image).ok());
      ASSERT_TRUE(data::WriteTiff(stem + "_mask.tif", mask).ok());
    }
  }
  data::DataSpec spec;
  spec.mutable_kaggle()->set_directory(dir);
  spec.set_height(32);
  spec.set_width(32);
  spec.mutable_group_near_duplicates()->set_enabled(false);
  for (const char* model : kModels) EXPECT_EQ(RoundTrip(Row(model, spec), model), 2) << model;
}

TEST_F(SavedSpecTest, FourClassPhantom) {
  data::DataSpec spec;
  spec.mutable_phantom()->set_patients(4);
  spec.mutable_phantom()->set_images_per_patient(8);
  spec.mutable_phantom()->set_empty_fraction(0.25);
  spec.set_height(32);
  spec.set_width(32);
  for (const char* model : kModels) EXPECT_EQ(RoundTrip(Row(model, spec), model), 4) << model;
}

}  // namespace
}  // namespace nerve_mtl::study
