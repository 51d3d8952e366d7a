#ifndef NERVE_MTL_STUDY_PREDICTOR_H_
#define NERVE_MTL_STUDY_PREDICTOR_H_

// Applying a trained trial to images (//study:predict): its best weights, the images checked
// against its model's input and prepared as its training prepared them, and what it predicts.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/compute.h"
#include "data/example.h"
#include "models/model.h"
#include "study/evaluation.h"
#include "trial/experiment.pb.h"
#include "trial/result.pb.h"

namespace nerve_mtl::study {

// A trial folder's spec and best weights: best_model.pt, and under the per-task checkpoint rule
// best_classifier.pt for the classification (as the trial's own test metrics were made).
struct TrainedTrial {
  Experiment experiment;
  std::shared_ptr<models::MultitaskModelImpl> model;
  std::shared_ptr<models::MultitaskModelImpl> classifier;  // Null: `model` classifies.
};

// Reads <dir>/experiment.textproto and the weights, placed as `compute` says. A missing or
// unreadable file is InvalidArgument naming it.
absl::StatusOr<TrainedTrial> LoadTrainedTrial(const std::string& dir, const Compute& compute);

// Images to predict, at the trial's size; with truth (masks and labels) when they came from a
// data spec.
struct PredictInput {
  data::Dataset dataset;
  std::vector<int> indices;
  bool has_truth = false;
};

// The PNG and TIFF files of a folder (sorted; Kaggle-style *_mask files skipped), each checked
// against the model's input contract before any is used: an image whose channel count is not the
// trial's data.channels is InvalidArgument naming the file. Each is resized to the trial's
// height x width with its resize method, as the loaders resize. Class names are the trial's
// data's when its source says them without reading the data, else "class <n>".
absl::StatusOr<PredictInput> ReadImageFolder(const std::string& dir, const Experiment& trial);

// The data a DataSpec text proto describes, `split` (all, train, val or test) of it. Its
// channels, height and width must be the trial's (InvalidArgument naming the file and field).
absl::StatusOr<PredictInput> LoadDataSpecInput(const std::string& path, const Experiment& trial,
                                               const std::string& split);

struct Predictions {
  std::vector<ImageOutput> images;  // In input order (ImageOutput: evaluation.h).
  // The trial's metrics on these images, computed as the trainer computes its test metrics
  // (batches of training.batch_size, the per-task rule); only with truth.
  std::optional<SplitMetrics> metrics;
};

Predictions Predict(const TrainedTrial& trial, const PredictInput& input, const Compute& compute);

// <out>/masks/<id>.png (0 background, 255 nerve), <out>/overlays/<id>.png (prediction red,
// truth green when known, captioned with the class), <out>/predictions.csv (image, predicted
// class, one probability column per class, and the true class with truth) and, with truth,
// <out>/metrics.textproto (SplitMetrics).
absl::Status WritePredictions(const std::string& out, const PredictInput& input,
                              const Predictions& predictions);

}  // namespace nerve_mtl::study

#endif  // NERVE_MTL_STUDY_PREDICTOR_H_
