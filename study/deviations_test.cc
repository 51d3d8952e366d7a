#include "reports/deviations.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/textproto.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "reports/original.h"
#include "reports/tables.h"
#include "trial/experiment.pb.h"
#include "study/grid.h"
#include "trial/result.pb.h"
#include "study/spec.h"
#include "study/study.pb.h"

namespace nerve_mtl::reports {

// Readable failures (gtest finds it next to Difference).
void PrintTo(const Difference& d, std::ostream* os) {
  *os << "{" << d.field << ", " << d.ours << ", " << d.original << "}";
}

namespace {

using study::Experiment;

Experiment Parse(const std::string& text) {
  Experiment e;
  const absl::Status s = ParseTextProto(text, "test", &e);
  EXPECT_TRUE(s.ok()) << s;
  return e;
}

TEST(DifferencesTest, HandWrittenPairGivesTheHandListedDifferences) {
  const Experiment ours = Parse(R"pb(
    name: "ours"
    seed: 3
    data {
      phantom {}
      height: 48
      width: 48
      split {}
      augmentation { hflip_probability: 0.5 }
      seed: 7
    }
    model { name: "quickfcn" filters: 16 kernel_size: 3 head: HEAD_GLOBAL_AVERAGE_POOL }
    loss {
      strategy: "uncertainty"
      dice { smooth: 1 }
      linear { classification_weight: 0.5 }
    }
    training { learning_rate: 0.005 loader_workers: 4 }
  )pb");
  const Experiment original = Parse(R"pb(
    name: "original"
    seed: 0
    training { loader_workers: 1 learning_rate: 0.0001 }
    data {
      width: 400
      height: 400
      split { holdout { val_fraction: 0.1 } }
      augmentation { elastic_probability: 0.5 hflip_probability: 0 }
      seed: 0
    }
    model { name: "quickfcn" filters: 64 kernel_size: 3 head: HEAD_FLATTEN }
    loss {
      dice { smooth: 0.0001 include_background: true }
      linear { classification_weight: 0.1 }
    }
  )pb");
  // By hand: names, seeds and loader threads are bookkeeping; ours sets no split member, so
  // the holdout's default val_fraction 0.1 is compared and agrees; equal kernel sizes and model
  // names are no difference; loss.linear is another strategy's options. What remains, in
  // field-number order whatever the text order:
  const std::vector<Difference> expected = {
      {"data.height", "48", "400"},
      {"data.width", "48", "400"},
      {"data.augmentation.hflip_probability", "0.5", "0"},
      {"data.augmentation.elastic_probability", "0", "0.5"},
      {"model.filters", "16", "64"},
      {"model.head", "HEAD_GLOBAL_AVERAGE_POOL", "HEAD_FLATTEN"},
      {"loss.dice.smooth", "1", "0.0001"},
      {"loss.dice.include_background", "false", "true"},
      {"training.learning_rate", "0.005", "0.0001"},
  };
  EXPECT_EQ(Differences(ours, original), expected);
}

TEST(DifferencesTest, OneofMembersAndListsCompareAsWholes) {
  const Experiment ours = Parse(R"pb(
    data { split { kfold { folds: 5 } } }
    loss { cross_entropy { class_weights: 1 class_weights: 2 } }
  )pb");
  const Experiment original = Parse(R"pb(
    data { split { holdout { val_fraction: 0.2 } } }
    loss { cross_entropy { class_weights: 1 class_weights: 2.5 } }
  )pb");
  const std::vector<Difference> expected = {
      {"data.split.kind", "kfold", "holdout"},
      {"loss.cross_entropy.class_weights", "[1, 2]", "[1, 2.5]"},
  };
  EXPECT_EQ(Differences(ours, original), expected);
  EXPECT_TRUE(Differences(ours, Experiment()).empty()) << "an empty original states nothing";
}

TEST(DifferencesTest, StrategyOptionsAreComparedForRowsOfThatStrategy) {
  const Experiment original = Parse("loss { linear { classification_weight: 0.1 } }");
  const std::vector<Difference> expected = {{"loss.linear.classification_weight", "0.03", "0.1"}};
  EXPECT_EQ(Differences(Parse(R"pb(loss {
                                     strategy: "linear"
                                     linear { classification_weight: 0.03 }
                                   })pb"),
                        original),
            expected);
  EXPECT_TRUE(Differences(Parse(R"pb(loss {
                                       strategy: "dwa"
                                       linear { classification_weight: 0.03 }
                                     })pb"),
                          original)
                  .empty());
}

study::Result Row(const std::string& label, const std::string& text) {
  study::Result r;
  r.set_status(study::Result::OK);
  r.set_trial_id(label);
  *r.mutable_experiment() = Parse(text);
  r.mutable_experiment()->set_name(label);
  return r;
}

Original TinyOriginal() {
  Original original;
  original.networks["quicknat"] = Parse(R"pb(
    model { name: "quicknat" filters: 64 }
    data { height: 400 }
  )pb");
  OriginalFact* data = original.facts.add_fact();
  data->set_aspect("data");
  data->set_ours_oneof("data.source");
  data->set_original("private | 7-channel");
  data->set_source("paper");
  OriginalFact* metric = original.facts.add_fact();
  metric->set_aspect("metric");
  metric->set_ours("hard Dice");
  metric->set_original("soft Dice");
  metric->set_source("code");
  return original;
}

TEST(DeviationsTest, SharedDifferencesAreListedOnceAndTheSectionReadsAsWrittenByHand) {
  const std::vector<study::Result> results = {
      Row("Wide", R"pb(data {
                         phantom {}
                         height: 48
                       }
                       model { name: "quicknat" filters: 64 })pb"),
      Row("Narrow", R"pb(data {
                           phantom {}
                           height: 48
                         }
                         model { name: "quicknat" filters: 16 })pb"),
      Row("Other", R"pb(data { phantom {} }
                        model { name: "mystery" })pb"),
  };
  absl::StatusOr<Deviations> d =
      CompareWithOriginal(results, {"Narrow", "Wide", "Other"}, TinyOriginal());
  ASSERT_TRUE(d.ok()) << d.status();
  const Section section = DeviationsSection(*d);
  EXPECT_EQ(section.title, "Deviations from the original");
  EXPECT_FALSE(section.before_tables);
  EXPECT_EQ(section.markdown,
            "Each row's resolved spec compared field by field with the original study's "
            "configuration of the same network (`study/original/<model>.textproto`, which holds "
            "only what the original's paper or code states), generated from the specs. Not "
            "compared: fields the original does not state, another strategy's options, and "
            "bookkeeping (`name`, `seed`, `data.seed`, `data.kaggle.directory`, "
            "`data.manifest.path`, `model.input_channels`, `model.input_height`, "
            "`model.input_width`, `training.loader_workers`, `training.overlay_images`).\n"
            "\n"
            "### Every row (2)\n"
            "\n"
            "| Field | Ours | Original |\n"
            "|:---|:---|:---|\n"
            "| `data.height` | 48 | 400 |\n"
            "\n"
            "### Narrow\n"
            "\n"
            "| Field | Ours | Original |\n"
            "|:---|:---|:---|\n"
            "| `model.filters` | 16 | 64 |\n"
            "\n"
            "Not compared, no original network: Other (model `mystery`).\n"
            "\n"
            "### Beyond the specs\n"
            "\n"
            "What no spec field expresses (`study/original/facts.textproto`).\n"
            "\n"
            "| Aspect | Ours | Original | Source |\n"
            "|:---|:---|:---|:---|\n"
            "| data | phantom (data.source) | private \\| 7-channel | paper |\n"
            "| metric | hard Dice | soft Dice | code |\n");
  EXPECT_EQ(section.json_key, "deviations");
  EXPECT_EQ(section.json,
            "{\n"
            "    \"not_compared\": [\"name\", \"seed\", \"data.seed\", \"data.kaggle.directory\", "
            "\"data.manifest.path\", \"model.input_channels\", \"model.input_height\", "
            "\"model.input_width\", \"training.loader_workers\", \"training.overlay_images\"],\n"
            "    \"rows\": [\n"
            "      {\"label\": \"Narrow\", \"original\": \"quicknat\"},\n"
            "      {\"label\": \"Wide\", \"original\": \"quicknat\"},\n"
            "      {\"label\": \"Other\", \"original\": null}\n"
            "    ],\n"
            "    \"groups\": [\n"
            "      {\n"
            "        \"rows\": [\"Narrow\", \"Wide\"],\n"
            "        \"differences\": [\n"
            "          {\"field\": \"data.height\", \"ours\": \"48\", \"original\": \"400\"}\n"
            "        ]\n"
            "      },\n"
            "      {\n"
            "        \"rows\": [\"Narrow\"],\n"
            "        \"differences\": [\n"
            "          {\"field\": \"model.filters\", \"ours\": \"16\", \"original\": \"64\"}\n"
            "        ]\n"
            "      }\n"
            "    ],\n"
            "    \"beyond_specs\": [\n"
            "      {\"aspect\": \"data\", \"ours\": \"phantom (data.source)\", \"original\": "
            "\"private | 7-channel\", \"source\": \"paper\"},\n"
            "      {\"aspect\": \"metric\", \"ours\": \"hard Dice\", \"original\": \"soft Dice\", "
            "\"source\": \"code\"}\n"
            "    ]\n"
            "  }");
}

TEST(DeviationsTest, RowsWithoutDifferencesAreNamed) {
  absl::StatusOr<Deviations> d =
      CompareWithOriginal({Row("Same", R"pb(data { height: 400 }
                                            model { name: "quicknat" filters: 64 })pb")},
                          {"Same"}, TinyOriginal());
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->groups.empty());
  EXPECT_EQ(d->identical, (std::vector<std::string>{"Same"}));
  EXPECT_NE(DeviationsSection(*d).markdown.find("\nNo difference: Same.\n"), std::string::npos);
}

TEST(DeviationsTest, AFactNamingNoOneofIsAnError) {
  Original original = TinyOriginal();
  original.facts.mutable_fact(0)->set_ours_oneof("data.sauce");
  absl::StatusOr<Deviations> d =
      CompareWithOriginal({Row("A", R"pb(model { name: "quicknat" })pb")}, {"A"}, original);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("no oneof 'sauce'"), std::string::npos) << d.status();
}

// Every leaf field of Experiment, as a path.
void LeafPaths(const google::protobuf::Descriptor* type, const std::string& prefix,
               std::vector<std::string>* out) {
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = type->field(i);
    const std::string path = prefix + f->name();
    if (f->message_type() != nullptr && !f->is_repeated()) {
      LeafPaths(f->message_type(), path + ".", out);
    } else {
      out->push_back(path);
    }
  }
}

// Fields no committed original states, each for a reason. A new spec field fails this test until
// the original's value is written into study/original/ or the field is added here, so that the
// deviations section cannot silently miss it.
const std::set<std::string>& UnstatedByTheOriginal() {
  static const auto* const kFields = new std::set<std::string>{
      // The original's data were private images, no phantom or Kaggle set (facts: "data").
      "data.phantom.patients",
      "data.phantom.images_per_patient",
      "data.phantom.empty_fraction",
      "data.phantom.duplicate_fraction",
      "data.phantom.field_of_view_mm",
      "data.kaggle.max_images",
      "data.manifest.class_names",
      "data.busi.directory",
      // The original's private set had no near-duplicate grouping.
      "data.group_near_duplicates.enabled",
      "data.group_near_duplicates.max_distance",
      "data.group_near_duplicates.class_conflicts",
      "data.group_near_duplicates.max_group_fraction",
      // Patient ids of another data set; the original did not cross-validate.
      "data.split.holdout.val",
      "data.split.holdout.test",
      "data.split.kfold.folds",
      "data.split.kfold.fold",
      "data.split.kfold.val_patients",
      // Not stated by the paper or code as far as known.
      "data.resize",
      "data.augmentation.elastic_alpha",
      "data.augmentation.elastic_sigma",
      "data.normalization.mode",
      "data.normalization.mean",
      "data.normalization.std",
      "loss.dice.per_image",
      "loss.cross_entropy.class_weights",
      "loss.uncertainty.initial_log_variance",
      "loss.uncertainty.segmentation_regression_like",
      "loss.uncertainty.lr_multiplier",
      "loss.scheduled.schedule_epochs",
      "training.epochs",
      "training.early_stopping_patience",
      "training.monitor",
      "training.pretrain_epochs",
      // Does not apply: uniform init ignores the fixed weight; the original had no pixel-weighted
      // segmentation cross-entropy, no DWA, GradNorm, MGDA, CAGrad or Nash-MTL.
      "model.cross_stitch_self_weight",
      "loss.cross_entropy.quicknat_pixel_weights",
      "loss.cross_entropy.boundary_weight",
      "loss.dwa.temperature",
      "loss.gradnorm.alpha",
      "loss.gradnorm.weight_lr",
      "loss.mgda.normalization",
      "loss.mgda.upper_bound",
      "loss.cagrad.c",
      "loss.nash_mtl.max_norm",
      // The original ran several strategies; each row's is its own choice.
      "loss.strategy",
  };
  return *kFields;
}

// Paths set in `m`, recursively.
void SetPaths(const google::protobuf::Message& m, const std::string& prefix,
              std::set<std::string>* out) {
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    const std::string path = prefix + f->name();
    if (f->message_type() != nullptr && !f->is_repeated()) {
      SetPaths(m.GetReflection()->GetMessage(m, f), path + ".", out);
    } else {
      out->insert(path);
    }
  }
}

TEST(CommittedOriginalTest, EverySpecFieldIsStatedBookkeepingOrListedAsUnstated) {
  absl::StatusOr<Original> original = ReadOriginal("study/original");
  ASSERT_TRUE(original.ok()) << original.status();
  std::set<std::string> stated;
  for (const auto& [model, network] : original->networks) SetPaths(network, "", &stated);
  const std::vector<std::string>& skipped = NotComparedFields();
  std::vector<std::string> leaves;
  LeafPaths(Experiment::descriptor(), "", &leaves);
  for (const std::string& path : leaves) {
    const bool bookkeeping = std::find(skipped.begin(), skipped.end(), path) != skipped.end();
    const int kinds =
        stated.count(path) + (bookkeeping ? 1 : 0) + UnstatedByTheOriginal().count(path);
    EXPECT_GE(kinds, 1) << path << ": state the original's value in study/original/ or list it "
                        << "as unstated here";
    EXPECT_FALSE(stated.count(path) > 0 && UnstatedByTheOriginal().count(path) > 0)
        << path << " is stated, so it is not unstated";
  }
}

TEST(CommittedOriginalTest, EveryTrialOfTheDefaultStudyIsComparedWithItsNetwork) {
  absl::StatusOr<Original> original = ReadOriginal("study/original");
  ASSERT_TRUE(original.ok()) << original.status();
  study::Study spec;
  ASSERT_TRUE(ReadTextProtoFile("study/studies/default.textproto", &spec).ok());
  absl::StatusOr<std::vector<study::Trial>> trials = study::ExpandStudy(spec);
  ASSERT_TRUE(trials.ok()) << trials.status();
  std::vector<study::Result> results;
  std::vector<std::string> labels;
  for (const study::Trial& trial : *trials) {
    study::Result r;
    r.set_status(study::Result::OK);
    r.set_trial_id(trial.id);
    *r.mutable_experiment() = study::ResolveExperiment(trial.experiment);
    results.push_back(r);
    if (labels.empty() || labels.back() != trial.label) labels.push_back(trial.label);
  }
  absl::StatusOr<Deviations> d = CompareWithOriginal(results, labels, *original);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->without_original.empty());
  ASSERT_EQ(d->networks.size(), labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto trial = std::find_if(trials->begin(), trials->end(),
                                    [&](const study::Trial& t) { return t.label == labels[i]; });
    EXPECT_EQ(d->networks[i].first, labels[i]);
    EXPECT_EQ(d->networks[i].second, trial->experiment.model().name()) << labels[i];
  }
}

}  // namespace
}  // namespace nerve_mtl::reports
