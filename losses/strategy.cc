#include "losses/strategy.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_util.h"
#include "common/registry.h"
#include "google/protobuf/descriptor.h"

namespace nerve_mtl::losses {

namespace {

struct StrategyEntry {
  StrategyFactory create;
  StrategyValidator validate;
  StrategyTraits traits;
};

absl::StatusOr<const StrategyEntry*> Find(const std::string& name) {
  return Registry<StrategyEntry>::Lookup(name, "loss.strategy", "strategy");
}

}  // namespace

bool RegisterStrategy(const std::string& name, StrategyFactory factory,
                      StrategyValidator validator, StrategyTraits traits) {
  return Registry<StrategyEntry>::Register(
      name, {std::move(factory), std::move(validator), std::move(traits)});
}

absl::StatusOr<StrategyTraits> StrategyTraitsOf(const std::string& name) {
  absl::StatusOr<const StrategyEntry*> entry = Find(name);
  if (!entry.ok()) return entry.status();
  return (*entry)->traits;
}

std::vector<std::string> RegisteredStrategies() { return Registry<StrategyEntry>::Names(); }

absl::Status RefuseOtherStrategiesOptions(const LossSpec& spec) {
  const google::protobuf::Descriptor* descriptor = LossSpec::descriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    // The task losses' options apply whatever the strategy; a strategy's are named after it.
    if (field->message_type() == nullptr || field->name() == "dice" ||
        field->name() == "cross_entropy" || field->name() == spec.strategy()) {
      continue;
    }
    if (DiffersFromDefault(spec, field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("loss.", field->name(), ": options of strategy '", field->name(),
                       "', but loss.strategy is '", spec.strategy(), "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLossSpec(const LossSpec& spec) {
  absl::StatusOr<const StrategyEntry*> entry = Find(spec.strategy());
  if (!entry.ok()) return entry.status();
  if (absl::Status s = RefuseOtherStrategiesOptions(spec); !s.ok()) return s;
  return (*entry)->validate ? (*entry)->validate(spec) : absl::OkStatus();
}

absl::Status CheckStrategyFitsModel(const LossSpec& spec, const MultitaskStrategy& strategy,
                                    const std::string& model_name,
                                    bool model_exposes_shared_representation) {
  if (strategy.needs_shared_representation() && !model_exposes_shared_representation) {
    return absl::InvalidArgumentError(absl::StrCat(
        "loss.", spec.strategy(), ": weights from the shared representation need a model that "
        "exposes one, and model '", model_name, "' does not"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> CreateStrategy(const LossSpec& spec) {
  if (absl::Status status = ValidateLossSpec(spec); !status.ok()) return status;
  return Registry<StrategyEntry>::Find(spec.strategy())->create(spec);
}

}  // namespace nerve_mtl::losses
