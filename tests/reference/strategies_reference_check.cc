// Agreement of the gradient-combining strategies' two-task closed forms (losses/mgda.h,
// cagrad.h, nash_mtl.h, imtl_g.h) with the general formulations of reference_strategies.py,
// solved there iteratively to 1e-13 or better, and of RLW's weights with the reference's own
// MT19937-64 and Box-Muller. make_strategies_golden.py wrote gradient pairs (random ones of many
// scales and angles, and the degenerate ones) with the reference's update directions; here each
// C++ direction must be within kRelativeTolerance of the reference's (relative to its norm, or
// to 1e-6 (||g1|| + ||g2||) where that is smaller), and so must the weights where given.
//
// Run through strategies_reference_test.sh, which writes the golden file first:
//   strategies_reference_check GOLDEN_FILE [--gtest_filter=...]
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "losses/cagrad.h"
#include "losses/imtl_g.h"
#include "losses/loss_spec.pb.h"
#include "losses/mgda.h"
#include "losses/nash_mtl.h"
#include "losses/rlw.h"
#include "losses/strategy.h"
#include "tests/reference/golden.h"

namespace nerve_mtl::losses {
namespace {

constexpr double kRelativeTolerance = 1e-6;

using reference_testing::Golden;
using reference_testing::LoadGolden;

std::vector<std::string> Cases(const Golden& golden) {
  std::set<std::string> cases;
  for (const auto& [key, value] : golden) {
    const std::string suffix = ".g1";
    if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
      cases.insert(key.substr(0, key.size() - suffix.size()));
    }
  }
  return {cases.begin(), cases.end()};
}

std::vector<double> ToVector(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

using WeightsOf = std::function<std::vector<double>(const at::Tensor& g1, const at::Tensor& g2,
                                                    const std::vector<double>& losses)>;

// Compares `method`'s direction (and weights, where the golden file has them) on every case
// the reference solved; returns how many it compared.
int ExpectMatchesReference(const std::string& method, const WeightsOf& weights_of) {
  const Golden& golden = LoadGolden();
  int compared = 0;
  double worst = 0.0;
  for (const std::string& name : Cases(golden)) {
    const auto direction_it = golden.find(name + "." + method + ".direction");
    if (direction_it == golden.end()) continue;
    const at::Tensor& g1 = golden.at(name + ".g1");
    const at::Tensor& g2 = golden.at(name + ".g2");
    const std::vector<double> weights = weights_of(g1, g2, ToVector(golden.at(name + ".losses")));
    const at::Tensor direction = weights[0] * g1 + weights[1] * g2;
    const at::Tensor& expected = direction_it->second;
    const double expected_norm = expected.norm().item<double>();
    // Where d vanishes (opposite gradients) both sides hold rounding noise only: relative to
    // 1e-6 (||g1|| + ||g2||) then, so within 1e-12 of the gradients' size.
    const double scale = std::max(
        expected_norm, 1e-6 * (g1.norm().item<double>() + g2.norm().item<double>()));
    const double error = (direction - expected).norm().item<double>() / scale;
    worst = std::max(worst, error);
    EXPECT_LE(error, kRelativeTolerance) << method << " " << name << ": direction off by "
                                         << error << " of its norm";
    const auto weights_it = golden.find(name + "." + method + ".weights");
    if (weights_it != golden.end()) {
      const std::vector<double> expected_weights = ToVector(weights_it->second);
      for (int i = 0; i < 2; ++i) {
        EXPECT_NEAR(weights[i], expected_weights[i],
                    kRelativeTolerance * std::max(1.0, std::abs(expected_weights[i])))
            << method << " " << name << " weight " << i;
      }
    }
    ++compared;
  }
  std::printf("%-16s %2d cases, worst relative direction difference %.3g\n", method.c_str(),
              compared, worst);
  return compared;
}

void CheckMgda(const std::string& method, MgdaOptions::Normalization normalization) {
  EXPECT_GE(ExpectMatchesReference(method,
                                   [normalization](const at::Tensor& g1, const at::Tensor& g2,
                                                   const std::vector<double>& losses) {
                                     return MgdaWeights(g1, g2, losses, normalization);
                                   }),
            30);
}

TEST(StrategiesReferenceTest, MgdaNone) { CheckMgda("mgda_none", MgdaOptions::NONE); }
TEST(StrategiesReferenceTest, MgdaL2) { CheckMgda("mgda_l2", MgdaOptions::L2); }
TEST(StrategiesReferenceTest, MgdaLoss) { CheckMgda("mgda_loss", MgdaOptions::LOSS); }
TEST(StrategiesReferenceTest, MgdaLossPlus) { CheckMgda("mgda_loss_plus", MgdaOptions::LOSS_PLUS); }

void CheckCagrad(const std::string& method, double c) {
  EXPECT_GE(ExpectMatchesReference(
                method, [c](const at::Tensor& g1, const at::Tensor& g2,
                            const std::vector<double>&) { return CagradWeights(g1, g2, c); }),
            30);
}

TEST(StrategiesReferenceTest, Cagrad) {
  CheckCagrad("cagrad_040", 0.4);
  CheckCagrad("cagrad_050", 0.5);
  CheckCagrad("cagrad_100", 1.0);
}

TEST(StrategiesReferenceTest, NashMtl) {
  EXPECT_GE(ExpectMatchesReference("nash_mtl",
                                   [](const at::Tensor& g1, const at::Tensor& g2,
                                      const std::vector<double>&) {
                                     return NashMtlWeights(g1, g2);
                                   }),
            28);
}

TEST(StrategiesReferenceTest, ImtlG) {
  EXPECT_GE(ExpectMatchesReference("imtl_g",
                                   [](const at::Tensor& g1, const at::Tensor& g2,
                                      const std::vector<double>&) { return ImtlGWeights(g1, g2); }),
            28);
}

TEST(StrategiesReferenceTest, RlwWeightsAreTheReferenceGenerators) {
  const Golden& golden = LoadGolden();
  RlwStrategy strategy(static_cast<uint32_t>(golden.at("rlw.seed").item<int64_t>()));
  const at::Tensor expected = golden.at("rlw.weights");
  ASSERT_GT(expected.size(0), 0);
  for (int64_t step = 0; step < expected.size(0); ++step) {
    const at::Tensor p = at::tensor({1.0, 1.0}, at::kDouble).requires_grad_(true);
    strategy.Backward({p[0], p[1]}, BackwardContext{});
    for (int i = 0; i < 2; ++i) {
      ASSERT_NEAR(strategy.last_weights()[i], expected[step][i].item<double>(), 1e-12)
          << "step " << step << " weight " << i;
    }
  }
}

}  // namespace
}  // namespace nerve_mtl::losses

int main(int argc, char** argv) {
  return nerve_mtl::reference_testing::GoldenCheckMain(argc, argv);
}
