#include "tests/reference/golden.h"

#include <torch/serialize.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "gtest/gtest.h"

namespace nerve_mtl::reference_testing {
namespace {

std::string* golden_path = nullptr;

}  // namespace

const Golden& LoadGolden() {
  static const Golden* golden = [] {
    auto* out = new Golden;
    std::ifstream file(*golden_path, std::ios::binary);
    if (!file.good()) {
      ADD_FAILURE() << "cannot read the golden file " << *golden_path;
      return out;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
    for (const auto& entry : torch::pickle_load(bytes).toGenericDict()) {
      (*out)[entry.key().toStringRef()] = entry.value().toTensor();
    }
    return out;
  }();
  return *golden;
}

int GoldenCheckMain(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s GOLDEN_FILE [gtest flags]\n", argv[0]);
    return 2;
  }
  golden_path = new std::string(argv[1]);
  return RUN_ALL_TESTS();
}

}  // namespace nerve_mtl::reference_testing
