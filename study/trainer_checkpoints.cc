#include "study/trainer_checkpoints.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "google/protobuf/text_format.h"
#include "study/trainer.h"
#include "trial/layout.h"

namespace nerve_mtl::study {
namespace {

namespace fs = std::filesystem;
using models::MultitaskModelImpl;

// Saves through a temporary file and a rename (common/files.h), so a kill never leaves a torn file.
absl::Status SaveArchive(torch::serialize::OutputArchive& archive, const std::string& path) {
  return WriteAtomically(path, [&archive](const std::string& tmp) {
    try {
      archive.save_to(tmp);
    } catch (const c10::Error& e) {
      return absl::InternalError(absl::StrCat(tmp, ": ", e.what_without_backtrace()));
    }
    return absl::OkStatus();
  });
}

at::Tensor BytesToTensor(const std::string& bytes) {
  return at::from_blob(const_cast<char*>(bytes.data()), {static_cast<int64_t>(bytes.size())},
                       at::kByte)
      .clone();
}

std::string TensorToBytes(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.numel());
}

// Where a model's weights are: files load there, since loading elsewhere would move them
// (InputArchive::read replaces a tensor's data when the devices differ).
c10::Device DeviceOf(MultitaskModelImpl& model) {
  const std::vector<at::Tensor> parameters = model.parameters();
  return parameters.empty() ? c10::Device(c10::kCPU) : parameters[0].device();
}

}  // namespace

absl::Status SaveCheckpoint(const std::string& path, MultitaskModelImpl& model,
                            optim::MultiTensorAdam& optimizer, losses::MultitaskStrategy* strategy,
                            const Result& progress) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model.save(model_archive);
  archive.write("model", model_archive);
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  if (strategy != nullptr) {
    const std::vector<at::Tensor> parameters = strategy->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      archive.write(absl::StrCat("strategy_", i), parameters[i].detach());
    }
    const std::vector<double> extra = strategy->extra_state();
    archive.write("strategy_extra",
                  at::tensor(at::ArrayRef<double>(extra.data(), extra.size()), at::kDouble));
  }
  archive.write("generator", at::detail::getDefaultCPUGenerator().get_state());
  std::string bytes;
  progress.SerializeToString(&bytes);
  archive.write("progress", BytesToTensor(bytes));
  return SaveArchive(archive, path);
}

absl::Status LoadCheckpoint(const std::string& path, MultitaskModelImpl& model,
                            optim::MultiTensorAdam& optimizer, losses::MultitaskStrategy* strategy,
                            Result* progress) {
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(path, DeviceOf(model));
    archive.read("model", model_archive);
    model.load(model_archive);
    archive.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
    if (strategy != nullptr) {
      torch::NoGradGuard no_grad;
      std::vector<at::Tensor> parameters = strategy->parameters();
      for (size_t i = 0; i < parameters.size(); ++i) {
        at::Tensor saved;
        archive.read(absl::StrCat("strategy_", i), saved);
        parameters[i].copy_(saved);
      }
      at::Tensor extra;
      archive.read("strategy_extra", extra);
      extra = extra.to(at::kCPU).contiguous();
      strategy->set_extra_state(
          std::vector<double>(extra.data_ptr<double>(), extra.data_ptr<double>() + extra.numel()));
    }
    at::Tensor generator, bytes;
    archive.read("generator", generator);
    at::Generator default_generator = at::detail::getDefaultCPUGenerator();  // a handle
    default_generator.set_state(generator.to(at::kCPU));
    archive.read("progress", bytes);
    if (!progress->ParseFromString(TensorToBytes(bytes.to(at::kCPU)))) {
      return absl::DataLossError(absl::StrCat(path, ": unreadable progress record"));
    }
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what_without_backtrace()));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> BestWeights::Offer(double value, int epoch, MultitaskModelImpl& model) {
  if (!(value > value_) && fs::exists(path_)) return false;
  value_ = value;
  epoch_ = epoch;
  torch::serialize::OutputArchive archive;
  model.save(archive);
  if (absl::Status s = SaveArchive(archive, path_); !s.ok()) return s;
  return true;
}

absl::Status LoadModelWeights(const std::string& path, MultitaskModelImpl* model) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, DeviceOf(*model));
    model->load(archive);
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat(path, ": ", e.what_without_backtrace()));
  }
  return absl::OkStatus();
}

absl::Status WriteResult(const std::string& dir, const Result& result) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat(dir, ": ", error.message()));
  // The resolved spec first: a result file, when present, always has its spec beside it.
  const std::pair<fs::path, const google::protobuf::Message*> files[] = {
      {trial::ExperimentFile(dir), &result.experiment()}, {trial::ResultFile(dir), &result}};
  for (const auto& [path, message] : files) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(*message, &text);
    if (absl::Status s = WriteFileAtomically(path.string(), text); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace nerve_mtl::study
