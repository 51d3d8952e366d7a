#ifndef NERVE_MTL_COMMON_REGISTRY_H_
#define NERVE_MTL_COMMON_REGISTRY_H_

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace nerve_mtl {

// Maps names in specs to entries (a factory and the validator beside it), as MediaPipe's
// registries do. Each component registers itself from its own translation unit (its cc_library
// has alwayslink = 1), so a binary knows exactly the components it links: a per-experiment
// target links one model and one strategy.
template <typename Entry>
class Registry {
 public:
  // A name registered twice is a programming error that would otherwise pick one of the two
  // silently, depending on link order; it stops the program before main().
  static bool Register(const std::string& name, Entry entry) {
    if (!Map().emplace(name, std::move(entry)).second) {
      std::cerr << "nerve-mtl: '" << name << "' is registered twice\n";
      std::abort();
    }
    return true;
  }
  // nullptr when `name` is not linked in.
  static const Entry* Find(const std::string& name) {
    auto it = Map().find(name);
    return it == Map().end() ? nullptr : &it->second;
  }
  // The entry of `name`, or InvalidArgument "<field>: unknown <kind> '<name>' (linked: ...)",
  // the one message every registry gives a spec naming something the binary does not link.
  static absl::StatusOr<const Entry*> Lookup(const std::string& name, absl::string_view field,
                                            absl::string_view kind) {
    const Entry* entry = Find(name);
    if (entry == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": unknown ", kind, " '", name,
                                                     "' (linked: ", absl::StrJoin(Names(), ", "),
                                                     ")"));
    }
    return entry;
  }
  static std::vector<std::string> Names() {
    std::vector<std::string> names;
    for (const auto& [name, entry] : Map()) names.push_back(name);
    return names;
  }

 private:
  static std::map<std::string, Entry>& Map() {
    static auto* map = new std::map<std::string, Entry>();
    return *map;
  }
};

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_REGISTRY_H_
