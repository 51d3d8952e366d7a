#include "models/model.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/registry.h"

namespace nerve_mtl::models {

namespace {

struct ModelEntry {
  ModelFactory create;
  ModelValidator validate;
};

}  // namespace

bool RegisterModel(const std::string& name, ModelFactory factory, ModelValidator validator) {
  return Registry<ModelEntry>::Register(name, {std::move(factory), std::move(validator)});
}

std::vector<std::string> RegisteredModels() { return Registry<ModelEntry>::Names(); }

absl::Status ValidateModelSpec(const ModelSpec& spec) {
  const ModelEntry* entry = Registry<ModelEntry>::Find(spec.name());
  if (entry == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.name: unknown model '", spec.name(), "' (linked: ",
                     absl::StrJoin(Registry<ModelEntry>::Names(), ", "), ")"));
  }
  return entry->validate ? entry->validate(spec) : absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> CreateModel(const ModelSpec& spec) {
  if (absl::Status status = ValidateModelSpec(spec); !status.ok()) return status;
  return Registry<ModelEntry>::Find(spec.name())->create(spec);
}

}  // namespace nerve_mtl::models
