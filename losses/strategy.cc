#include "losses/strategy.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/registry.h"

namespace nerve_mtl::losses {

namespace {

struct StrategyEntry {
  StrategyFactory create;
  StrategyValidator validate;
};

}  // namespace

bool RegisterStrategy(const std::string& name, StrategyFactory factory,
                      StrategyValidator validator) {
  return Registry<StrategyEntry>::Register(name, {std::move(factory), std::move(validator)});
}

std::vector<std::string> RegisteredStrategies() { return Registry<StrategyEntry>::Names(); }

absl::Status ValidateLossSpec(const LossSpec& spec) {
  const StrategyEntry* entry = Registry<StrategyEntry>::Find(spec.strategy());
  if (entry == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.strategy: unknown strategy '", spec.strategy(), "' (linked: ",
                     absl::StrJoin(Registry<StrategyEntry>::Names(), ", "), ")"));
  }
  return entry->validate ? entry->validate(spec) : absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> CreateStrategy(const LossSpec& spec) {
  if (absl::Status status = ValidateLossSpec(spec); !status.ok()) return status;
  return Registry<StrategyEntry>::Find(spec.strategy())->create(spec);
}

}  // namespace nerve_mtl::losses
