#include "study/overlays.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "data/image_io.h"
#include "data/load.h"
#include "data/loader.h"
#include "data/mosaic.h"
#include "models/model.h"
#include "study/trainer.h"
#include "trial/layout.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;

std::string FileSafe(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// Predicted masks of `indices` by the trial's best model.
absl::StatusOr<std::vector<data::Mask>> Predict(const std::string& results_dir, const Result& trial,
                                                const data::Dataset& dataset,
                                                const std::vector<int>& indices) {
  absl::StatusOr<std::shared_ptr<models::MultitaskModelImpl>> model =
      models::CreateModel(trial.experiment().model());
  if (!model.ok()) return model.status();
  const std::string weights =
      trial::BestModelFile(trial::TrialDir(results_dir, trial.trial_id())).string();
  if (absl::Status s = LoadModelWeights(weights, model->get()); !s.ok()) return s;
  (*model)->eval();
  torch::NoGradGuard no_grad;
  data::BatchLoader loader(dataset, indices, trial.experiment().data(), data::LoaderOptions());
  const data::Batch batch = loader.MakeBatch(indices, 0);
  const at::Tensor masks =
      (*model)->forward(batch.images).segmentation.argmax(1).ne(0).to(at::kByte).contiguous();
  std::vector<data::Mask> out;
  const int h = masks.size(1), w = masks.size(2);
  for (size_t i = 0; i < indices.size(); ++i) {
    data::Mask m(h, w);
    const uint8_t* p = masks.data_ptr<uint8_t>() + i * h * w;
    m.pixels.assign(p, p + h * w);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

absl::StatusOr<int> WriteDisagreementOverlays(const std::string& results_dir,
                                              const std::vector<Result>& results,
                                              const std::string& out_dir, int max_images) {
  // (strategy, seed, split, row label after its network) -> hard and soft trials: the same test
  // images (one cross-validation fold) and the same weighting, "QuickFCN / linear" against
  // "SoftQuickFCN / linear" but not the original networks' rows against those.
  using Key = std::tuple<std::string, uint64_t, std::string, std::string>;
  std::map<Key, std::pair<const Result*, const Result*>> pairs;
  for (const Result& r : results) {
    if (r.status() != Result::OK) continue;
    const std::string& name = r.experiment().name();
    const size_t slash = name.find(" / ");
    auto& pair = pairs[{r.experiment().loss().strategy(), r.experiment().seed(),
                        r.experiment().data().split().SerializeAsString(),
                        slash == std::string::npos ? "" : name.substr(slash + 3)}];
    // Hard sharing reads one shared representation; soft sharing mixes two by cross-stitch.
    if (r.components().shared_representation()) pair.first = &r;
    if (r.components().cross_stitch()) pair.second = &r;
  }
  int written = 0;
  std::map<std::string, bool> done;  // One trial pair per strategy: the smallest seed and fold.
  for (const auto& [key, pair] : pairs) {
    const auto& [hard, soft] = pair;
    if (hard == nullptr || soft == nullptr || done[std::get<0>(key)]) continue;
    done[std::get<0>(key)] = true;
    std::vector<std::string> ids;
    std::map<std::string, std::pair<int, int>> labels;  // id -> (hard, soft) predictions
    const SplitMetrics& h = hard->test();
    const SplitMetrics& s = soft->test();
    std::map<std::string, int> soft_label;
    for (int i = 0; i < s.image_id_size() && i < s.image_predicted_label_size(); ++i) {
      soft_label[s.image_id(i)] = s.image_predicted_label(i);
    }
    for (int i = 0; i < h.image_id_size() && i < h.image_predicted_label_size(); ++i) {
      auto it = soft_label.find(h.image_id(i));
      if (it == soft_label.end() || it->second == h.image_predicted_label(i)) continue;
      if (static_cast<int>(ids.size()) >= max_images) break;
      ids.push_back(h.image_id(i));
      labels[h.image_id(i)] = {h.image_predicted_label(i), it->second};
    }
    if (ids.empty()) continue;

    absl::StatusOr<data::LoadedData> data = data::LoadData(hard->experiment().data());
    if (!data.ok()) return data.status();
    std::map<std::string, int> index_of;
    for (int i = 0; i < static_cast<int>(data->dataset.examples.size()); ++i) {
      index_of[data->dataset.examples[i].id] = i;
    }
    std::vector<int> indices;
    for (const std::string& id : ids) {
      auto it = index_of.find(id);
      if (it == index_of.end()) {
        return absl::NotFoundError(absl::StrCat("test image '", id, "' of ", hard->trial_id(),
                                                " is not in its data set"));
      }
      indices.push_back(it->second);
    }
    absl::StatusOr<std::vector<data::Mask>> hard_masks =
        Predict(results_dir, *hard, data->dataset, indices);
    if (!hard_masks.ok()) return hard_masks.status();
    absl::StatusOr<std::vector<data::Mask>> soft_masks =
        Predict(results_dir, *soft, data->dataset, indices);
    if (!soft_masks.ok()) return soft_masks.status();

    const fs::path dir = fs::path(out_dir) / FileSafe(absl::StrCat(
                                                 hard->experiment().name(), " vs ",
                                                 soft->experiment().name()));
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) return absl::InternalError(absl::StrCat(dir.string(), ": ", error.message()));
    const std::vector<std::string>& names = data->dataset.class_names;
    auto name = [&](int label) {
      return label >= 0 && label < static_cast<int>(names.size()) ? names[label] : "?";
    };
    for (size_t i = 0; i < ids.size(); ++i) {
      const data::Example& e = data->dataset.examples[indices[i]];
      const data::Image picture = data::RenderPanels(
          {{absl::StrCat("hard: ", name(labels[ids[i]].first), " (true ", name(e.label), ")"),
            data::RenderOverlay(e.image, e.mask, (*hard_masks)[i])},
           {absl::StrCat("soft: ", name(labels[ids[i]].second)),
            data::RenderOverlay(e.image, e.mask, (*soft_masks)[i])}});
      const std::string path = (dir / (FileSafe(ids[i]) + ".png")).string();
      if (absl::Status st = data::WritePng(path, picture); !st.ok()) return st;
      ++written;
    }
  }
  return written;
}

}  // namespace nerve_mtl::study
