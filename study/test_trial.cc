#include "study/test_trial.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/textproto.h"
#include "gtest/gtest.h"

namespace nerve_mtl::study {
namespace {

constexpr char kTiny[] = R"pb(
  name: "tiny"
  data {
    phantom { patients: 4 images_per_patient: 6 }
    height: 32
    width: 32
  }
  model { name: "quickfcn" filters: 4 kernel_size: 3 depth: 2 }
  loss { strategy: "linear" }
  training { epochs: 3 batch_size: 4 learning_rate: 0.01 loader_workers: 1 overlay_images: 2 }
  seed: 3
)pb";

}  // namespace

Experiment TinyExperiment() {
  Experiment e;
  const absl::Status s = ParseTextProto(kTiny, "kTiny", &e);
  EXPECT_TRUE(s.ok()) << s;
  return e;
}

std::string TestPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  EXPECT_NE(dir, nullptr) << "TEST_TMPDIR is unset: not run by bazel test or ctest?";
  return (std::filesystem::path(dir != nullptr ? dir : ".") / name).string();
}

}  // namespace nerve_mtl::study
