#include "models/model.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_util.h"
#include "common/registry.h"
#include "google/protobuf/descriptor.h"

namespace nerve_mtl::models {

namespace {

struct ModelEntry {
  ModelTraits traits;
  ModelFactory create;
  ModelValidator validate;
};

absl::StatusOr<const ModelEntry*> Find(const std::string& name) {
  return Registry<ModelEntry>::Lookup(name, "model.name", "model");
}

}  // namespace

bool RegisterModel(const std::string& name, ModelTraits traits, ModelFactory factory,
                   ModelValidator validator) {
  return Registry<ModelEntry>::Register(name,
                                        {traits, std::move(factory), std::move(validator)});
}

std::vector<std::string> RegisteredModels() { return Registry<ModelEntry>::Names(); }

absl::Status ValidateModelSpec(const ModelSpec& spec) {
  absl::StatusOr<const ModelEntry*> entry = Find(spec.name());
  if (!entry.ok()) return entry.status();
  return (*entry)->validate ? (*entry)->validate(spec) : absl::OkStatus();
}

absl::StatusOr<ModelTraits> TraitsOf(const std::string& name) {
  absl::StatusOr<const ModelEntry*> entry = Find(name);
  if (!entry.ok()) return entry.status();
  return (*entry)->traits;
}

absl::Status RefuseIgnoredOptions(const ModelSpec& spec, const std::vector<std::string>& fields,
                                  const std::string& why) {
  for (const std::string& name : fields) {
    const google::protobuf::FieldDescriptor* field = ModelSpec::descriptor()->FindFieldByName(name);
    if (field == nullptr) {
      return absl::InternalError(absl::StrCat("ModelSpec has no field '", name, "'"));
    }
    if (DiffersFromDefault(spec, field)) {
      return absl::InvalidArgumentError(absl::StrCat("model.", name, ": ", why));
    }
  }
  return absl::OkStatus();
}

absl::Status RefuseCrossStitchOptions(const ModelSpec& spec) {
  return RefuseIgnoredOptions(
      spec, {"cross_stitch_init", "cross_stitch_self_weight", "cross_stitch_learning_rate"},
      absl::StrCat("cross-stitch units exist only in softquickfcn, not in '", spec.name(), "'"));
}

absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> CreateModel(const ModelSpec& spec) {
  if (absl::Status status = ValidateModelSpec(spec); !status.ok()) return status;
  return Registry<ModelEntry>::Find(spec.name())->create(spec);
}

}  // namespace nerve_mtl::models
