#include "losses/strategy.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/registry.h"

namespace nerve_mtl::losses {

bool RegisterStrategy(const std::string& name, StrategyFactory factory) {
  return Registry<StrategyFactory>::Register(name, std::move(factory));
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> CreateStrategy(const LossSpec& spec) {
  const StrategyFactory* factory = Registry<StrategyFactory>::Find(spec.strategy());
  if (factory == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.strategy: unknown strategy '", spec.strategy(), "' (linked: ",
                     absl::StrJoin(Registry<StrategyFactory>::Names(), ", "), ")"));
  }
  return (*factory)(spec);
}

}  // namespace nerve_mtl::losses
