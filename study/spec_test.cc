#include "study/spec.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

using ::testing::HasSubstr;

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(SpecTest, LayersFileThenOverrides) {
  const std::string path = Write("e.textproto", R"pb(
    name: "x"
    model { name: "quickfcn" filters: 16 }
    training { epochs: 7 }
  )pb");
  absl::StatusOr<Experiment> e =
      LoadExperiment(path, {"training { epochs: 2 }", "model { filters: 8 }"});
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->training().epochs(), 2);
  EXPECT_EQ(e->model().filters(), 8);
  EXPECT_EQ(e->model().name(), "quickfcn");
  EXPECT_EQ(e->training().batch_size(), 4) << "the proto default is the template";
}

TEST(SpecTest, StrictParsingNamesFileLineAndField) {
  const std::string typo = Write("typo.textproto", "model { name: \"quicknat\" }\ntraining { epoch: 3 }\n");
  absl::Status s = LoadExperiment(typo, {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("typo.textproto:2:12: "));
  EXPECT_THAT(s.message(), HasSubstr("\"epoch\""));

  const std::string ok = Write("ok.textproto", "model { name: \"quicknat\" }\n");
  EXPECT_THAT(LoadExperiment(ok, {"data { resize: RESIZE_CUBIC }"}).status().message(),
              HasSubstr("override 1:1:16: "));
}

TEST(SpecTest, ContradictionsAreRefused) {
  const std::string cross = Write("cross.textproto",
                                  "model { name: \"quickfcn\" cross_stitch_self_weight: 0.8 }\n");
  EXPECT_THAT(LoadExperiment(cross, {}).status().message(),
              HasSubstr("cross.textproto: model.cross_stitch_*: model 'quickfcn' has no "
                        "cross-stitch units"));
  const std::string classes = Write("classes.textproto",
                                    "model { name: \"resultnet\" classification_classes: 1 }\n");
  EXPECT_THAT(LoadExperiment(classes, {}).status().message(),
              HasSubstr("model.classification_classes must be >= 2"));
  const std::string missing = Write("missing.textproto", "training { epochs: 2 }\n");
  EXPECT_THAT(LoadExperiment(missing, {}).status().message(), HasSubstr("model.name is required"));
  const std::string epochs = Write("epochs.textproto",
                                   "model { name: \"quicknat\" } training { epochs: 0 }\n");
  EXPECT_THAT(LoadExperiment(epochs, {}).status().message(),
              HasSubstr("training.epochs must be >= 1, got 0"));
}

TEST(SpecTest, TrialIdIgnoresSpelledOutDefaultsAndFollowsTheData) {
  Experiment a, b, c;
  a.mutable_model()->set_name("quicknat");
  b = a;
  b.mutable_training()->set_batch_size(4);  // the default
  c = a;
  c.mutable_data()->set_height(64);
  EXPECT_EQ(TrialId(a), TrialId(b));
  EXPECT_NE(TrialId(a), TrialId(c));
  EXPECT_EQ(ResolveExperiment(c).model().input_height(), 64);
}

}  // namespace
}  // namespace nerve_mtl::study
