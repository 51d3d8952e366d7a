#include "models/model.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/registry.h"

namespace nerve_mtl::models {

bool RegisterModel(const std::string& name, ModelFactory factory) {
  return Registry<ModelFactory>::Register(name, std::move(factory));
}

absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> CreateModel(const ModelSpec& spec) {
  const ModelFactory* factory = Registry<ModelFactory>::Find(spec.name());
  if (factory == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.name: unknown model '", spec.name(), "' (linked: ",
                     absl::StrJoin(Registry<ModelFactory>::Names(), ", "), ")"));
  }
  return (*factory)(spec);
}

}  // namespace nerve_mtl::models
