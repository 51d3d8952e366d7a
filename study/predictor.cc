#include "study/predictor.h"

#include <torch/nn/module.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/files.h"
#include "common/textproto.h"
#include "data/image_io.h"
#include "data/load.h"
#include "data/mosaic.h"
#include "data/resize.h"
#include "google/protobuf/text_format.h"
#include "study/evaluation.h"
#include "study/metrics.h"
#include "study/spec.h"
#include "study/trainer.h"
#include "trial/layout.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> LoadWeights(
    const models::ModelSpec& spec, const std::string& path, const Compute& compute) {
  if (!fs::is_regular_file(path)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no such file"));
  }
  absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> model = models::CreateModel(spec);
  if (!model.ok()) return model.status();
  PlaceModule(**model, compute);
  if (absl::Status s = LoadModelWeights(path, model->get()); !s.ok()) {
    return absl::InvalidArgumentError(s.message());
  }
  (*model)->eval();
  return model;
}

// The class names a source states without its data being read.
std::vector<std::string> StatedClassNames(const data::DataSpec& spec, int classes) {
  std::vector<std::string> names;
  if (spec.has_kaggle()) names = {"absent", "present"};
  if (spec.has_busi()) names = {"benign", "malignant", "normal"};
  if (spec.has_manifest()) names.assign(spec.manifest().class_names().begin(), spec.manifest().class_names().end());
  if (spec.source_case() == data::DataSpec::SOURCE_NOT_SET || spec.has_phantom()) {
    names = {"median", "radial", "ulnar"};
    if (spec.phantom().empty_fraction() > 0) names.push_back("none");
  }
  if (static_cast<int>(names.size()) != classes) {
    names.clear();
    for (int i = 0; i < classes; ++i) names.push_back(absl::StrCat("class ", i));
  }
  return names;
}

std::string FileSafe(const std::string& id) {
  std::string out;
  for (char c : id) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One pass of `model` over the input, the trainer's evaluation (evaluation.h): every image's
// output, and the metrics when the input has truth.
Evaluation Run(models::MultitaskModelImpl& model, const Experiment& trial,
               const PredictInput& input, const Compute& compute) {
  EvaluationOptions options;
  options.batch_size = trial.training().batch_size();
  options.score = input.has_truth;
  options.keep_images = static_cast<int>(input.indices.size());
  return Evaluate(model, input.dataset, input.indices, trial.data(), options, compute);
}

}  // namespace

absl::StatusOr<TrainedTrial> LoadTrainedTrial(const std::string& dir, const Compute& compute) {
  const std::string spec = trial::ExperimentFile(dir).string();
  if (!fs::is_regular_file(spec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec, ": no such file (--trial takes a trial folder, trials/<id>/)"));
  }
  absl::StatusOr<Experiment> experiment = LoadExperiment(spec, {});
  if (!experiment.ok()) return absl::InvalidArgumentError(experiment.status().message());
  TrainedTrial trial;
  trial.experiment = ResolveExperiment(*experiment);
  absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> model =
      LoadWeights(trial.experiment.model(), trial::BestModelFile(dir).string(), compute);
  if (!model.ok()) return model.status();
  trial.model = *model;
  const std::string classifier = trial::BestClassifierFile(dir).string();
  if (fs::exists(classifier)) {
    model = LoadWeights(trial.experiment.model(), classifier, compute);
    if (!model.ok()) return model.status();
    trial.classifier = *model;
  }
  return trial;
}

absl::StatusOr<PredictInput> ReadImageFolder(const std::string& dir, const Experiment& trial) {
  if (!fs::is_directory(dir)) return absl::InvalidArgumentError(absl::StrCat(dir, ": not a directory"));
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string ext = absl::AsciiStrToLower(entry.path().extension().string());
    const std::string stem = entry.path().stem().string();
    if (!entry.is_regular_file() || (ext != ".png" && ext != ".tif" && ext != ".tiff")) continue;
    if (absl::EndsWith(stem, "_mask")) continue;
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) return absl::InvalidArgumentError(absl::StrCat(dir, ": no PNG or TIFF images"));
  const data::DataSpec& spec = trial.data();
  PredictInput input;
  input.dataset.class_names = StatedClassNames(spec, trial.model().classification_classes());
  for (const std::string& path : files) {
    absl::StatusOr<data::Image> image = data::ReadImage(path);
    if (!image.ok()) return absl::InvalidArgumentError(image.status().message());
    if (image->channels != spec.channels()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ", image->channels, " channel(s), but the trial's model takes ", spec.channels(),
          " (data.channels of its experiment.textproto)"));
    }
    data::Example example;
    example.id = fs::path(path).stem().string();
    example.patient = example.id;
    example.image = data::Resize(*image, spec.height(), spec.width(), spec.resize());
    example.mask = data::Mask(spec.height(), spec.width());
    input.indices.push_back(static_cast<int>(input.dataset.examples.size()));
    input.dataset.examples.push_back(std::move(example));
  }
  return input;
}

absl::StatusOr<PredictInput> LoadDataSpecInput(const std::string& path, const Experiment& trial,
                                               const std::string& split) {
  if (split != "all" && split != "train" && split != "val" && split != "test") {
    return absl::InvalidArgumentError(
        absl::StrCat("--split=", split, ": expected all, train, val or test"));
  }
  data::DataSpec spec;
  if (absl::Status s = ReadTextProtoFile(path, &spec); !s.ok()) return s;
  if (absl::Status s = data::ValidateDataSpec(spec); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  const data::DataSpec& want = trial.data();
  for (const auto& [field, got, expected] :
       {std::tuple{"channels", spec.channels(), want.channels()},
        std::tuple{"height", spec.height(), want.height()},
        std::tuple{"width", spec.width(), want.width()}}) {
    if (got != expected) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", field, " is ", got,
                                                     " but the trial's model takes ", expected));
    }
  }
  absl::StatusOr<data::LoadedData> data = data::LoadData(spec);
  if (!data.ok()) return absl::InvalidArgumentError(data.status().message());
  if (static_cast<int>(data->dataset.class_names.size()) != trial.model().classification_classes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", data->dataset.class_names.size(), " classes but the trial's model has ",
        trial.model().classification_classes()));
  }
  PredictInput input;
  input.has_truth = true;
  input.dataset = std::move(data->dataset);
  if (split == "all") {
    for (int i = 0; i < static_cast<int>(input.dataset.examples.size()); ++i) input.indices.push_back(i);
  } else {
    input.indices = split == "train" ? data->split.train : split == "val" ? data->split.val : data->split.test;
  }
  return input;
}

Predictions Predict(const TrainedTrial& trial, const PredictInput& input, const Compute& compute) {
  Evaluation main = Run(*trial.model, trial.experiment, input, compute);
  Predictions predictions;
  predictions.images = std::move(main.images);
  if (input.has_truth) predictions.metrics = main.metrics;
  if (trial.classifier) {
    Evaluation classes = Run(*trial.classifier, trial.experiment, input, compute);
    for (size_t i = 0; i < classes.images.size(); ++i) {
      predictions.images[i].label = classes.images[i].label;
      predictions.images[i].probabilities = std::move(classes.images[i].probabilities);
    }
    if (input.has_truth) predictions.metrics = CombineTasks(main.metrics, classes.metrics);
  }
  return predictions;
}

absl::Status WritePredictions(const std::string& out, const PredictInput& input,
                              const Predictions& predictions) {
  const std::vector<std::string>& names = input.dataset.class_names;
  const bool segments = !predictions.images.empty() && predictions.images[0].mask.height > 0;
  const bool classifies = !predictions.images.empty() && predictions.images[0].label >= 0;
  for (const char* sub : {"masks", "overlays"}) {
    std::error_code error;
    if (segments || std::string(sub) == "overlays") fs::create_directories(fs::path(out) / sub, error);
    if (error) return absl::InternalError(absl::StrCat(out, "/", sub, ": ", error.message()));
  }
  std::string csv = "image";
  if (classifies) {
    csv += ",predicted_class";
    for (const std::string& name : names) csv += "," + CsvField("p_" + name);
  }
  if (input.has_truth) csv += ",true_class";
  csv += "\n";
  auto name = [&](int label) {
    return label >= 0 && label < static_cast<int>(names.size()) ? names[label] : std::string("?");
  };
  for (size_t i = 0; i < predictions.images.size(); ++i) {
    const ImageOutput& p = predictions.images[i];
    const data::Example& e = input.dataset.examples[input.indices[i]];
    const std::string file = FileSafe(p.id) + ".png";
    csv += CsvField(p.id);
    if (classifies) {
      csv += "," + CsvField(name(p.label));
      for (double q : p.probabilities) csv += absl::StrFormat(",%.6f", q);
    }
    if (input.has_truth) csv += "," + CsvField(name(e.label));
    csv += "\n";
    data::Mask shown = segments ? p.mask : data::Mask(e.mask.height, e.mask.width);
    if (segments) {
      data::Image png(1, p.mask.height, p.mask.width);
      for (size_t k = 0; k < png.pixels.size(); ++k) png.pixels[k] = p.mask.pixels[k] ? 255 : 0;
      if (absl::Status s = data::WritePng((fs::path(out) / "masks" / file).string(), png); !s.ok()) {
        return s;
      }
    }
    std::string caption = p.id;
    if (classifies) absl::StrAppend(&caption, ": ", name(p.label));
    if (input.has_truth && classifies) absl::StrAppend(&caption, " (true ", name(e.label), ")");
    const data::Image overlay =
        data::RenderPanels({{caption, data::RenderOverlay(e.image, e.mask, shown)}});
    if (absl::Status s = data::WritePng((fs::path(out) / "overlays" / file).string(), overlay);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = WriteFileAtomically((fs::path(out) / "predictions.csv").string(), csv);
      !s.ok()) {
    return s;
  }
  if (predictions.metrics) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(*predictions.metrics, &text);
    return WriteFileAtomically((fs::path(out) / "metrics.textproto").string(), text);
  }
  return absl::OkStatus();
}

}  // namespace nerve_mtl::study
