#ifndef NERVE_MTL_COMMON_REGISTRY_H_
#define NERVE_MTL_COMMON_REGISTRY_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nerve_mtl {

// Maps names in specs to factories, as MediaPipe's registries do. Each component registers
// itself from its own translation unit (its cc_library has alwayslink = 1), so a binary knows
// exactly the components it links: a per-experiment target links one model and one strategy.
template <typename Factory>
class Registry {
 public:
  static bool Register(const std::string& name, Factory factory) {
    return Map().emplace(name, std::move(factory)).second;
  }
  // nullptr when `name` is not linked in.
  static const Factory* Find(const std::string& name) {
    auto it = Map().find(name);
    return it == Map().end() ? nullptr : &it->second;
  }
  static std::vector<std::string> Names() {
    std::vector<std::string> names;
    for (const auto& [name, factory] : Map()) names.push_back(name);
    return names;
  }

 private:
  static std::map<std::string, Factory>& Map() {
    static auto* map = new std::map<std::string, Factory>();
    return *map;
  }
};

}  // namespace nerve_mtl

#endif  // NERVE_MTL_COMMON_REGISTRY_H_
