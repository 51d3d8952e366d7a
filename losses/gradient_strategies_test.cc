// The gradient-combining strategies (MGDA, CAGrad, Nash-MTL, IMTL-G) and RLW, in one binary to
// keep compile time down. Expected values are worked by hand or are the defining property of
// each method checked on the vectors; the agreement with the Python reference on random pairs
// is //tests/reference:strategies_reference_test's.
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "losses/cagrad.h"
#include "losses/imtl_g.h"
#include "losses/loss_spec.pb.h"
#include "losses/mgda.h"
#include "losses/nash_mtl.h"
#include "losses/rlw.h"
#include "losses/strategy.h"
#include "losses/task_gradients.h"

namespace nerve_mtl::losses {
namespace {

std::unique_ptr<MultitaskStrategy> Create(const LossSpec& spec) {
  absl::StatusOr<std::unique_ptr<MultitaskStrategy>> strategy = CreateStrategy(spec);
  EXPECT_TRUE(strategy.ok()) << strategy.status();
  return strategy.ok() ? *std::move(strategy) : nullptr;
}

std::unique_ptr<MultitaskStrategy> Create(const std::string& name) {
  LossSpec spec;
  spec.set_strategy(name);
  return Create(spec);
}

at::Tensor Vec(std::vector<double> values) { return at::tensor(values, at::kDouble); }

double Dot(const at::Tensor& x, const at::Tensor& y) { return x.dot(y).item<double>(); }

at::Tensor Direction(const at::Tensor& g1, const at::Tensor& g2, const std::vector<double>& w) {
  return w[0] * g1 + w[1] * g2;
}

void ExpectVector(const at::Tensor& actual, std::vector<double> expected, double tolerance) {
  ASSERT_EQ(actual.numel(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i].item<double>(), expected[i], tolerance) << "element " << i;
  }
}

// L_i = g_i . theta + k_i h: theta shared, h task-specific (dL_0/dh = 3, dL_1/dh = 5).
struct LinearCase {
  at::Tensor theta = Vec({0.3, -0.7}).requires_grad_(true);
  at::Tensor h = Vec({1.5}).requires_grad_(true);
  std::vector<at::Tensor> Losses(const at::Tensor& g1, const at::Tensor& g2) const {
    return {(g1 * theta).sum() + 3.0 * h.sum() + 10.0, (g2 * theta).sum() + 5.0 * h.sum() + 10.0};
  }
  BackwardContext Context() const {
    BackwardContext context;
    context.shared_parameters = {theta};
    return context;
  }
};

std::pair<at::Tensor, at::Tensor> RandomPair(std::mt19937_64& engine, int n) {
  std::normal_distribution<double> normal;
  std::vector<double> x(n), y(n);
  for (int i = 0; i < n; ++i) x[i] = normal(engine);
  for (int i = 0; i < n; ++i) y[i] = normal(engine) * 3.0;
  return {Vec(x), Vec(y)};
}

TEST(GradientStrategiesTest, RegisteredWithValidators) {
  for (const char* name : {"mgda", "cagrad", "nash_mtl", "imtl_g", "rlw"}) {
    std::unique_ptr<MultitaskStrategy> strategy = Create(name);
    ASSERT_NE(strategy, nullptr) << name;
    EXPECT_EQ(strategy->TaskWeights().size(), 2u) << name;
    EXPECT_FALSE(strategy->needs_shared_representation()) << name;
  }
  LossSpec spec;
  spec.set_strategy("mgda");
  spec.mutable_mgda()->set_normalization(MgdaOptions::NORMALIZATION_UNSPECIFIED);
  EXPECT_EQ(ValidateLossSpec(spec).message(),
            "loss.mgda.normalization must be NONE, L2, LOSS or LOSS_PLUS, got "
            "NORMALIZATION_UNSPECIFIED");
  spec.Clear();
  spec.set_strategy("cagrad");
  spec.mutable_cagrad()->set_c(-0.1);
  EXPECT_EQ(ValidateLossSpec(spec).message(), "loss.cagrad.c must be finite and >= 0, got -0.1");
  spec.Clear();
  spec.set_strategy("nash_mtl");
  spec.mutable_nash_mtl()->set_max_norm(NAN);
  EXPECT_EQ(ValidateLossSpec(spec).message(),
            "loss.nash_mtl.max_norm must be finite and >= 0, got nan");
  // Another strategy's options are refused, as for the existing strategies.
  spec.Clear();
  spec.set_strategy("imtl_g");
  spec.mutable_cagrad()->set_c(0.5);
  EXPECT_EQ(ValidateLossSpec(spec).message(),
            "loss.cagrad: options of strategy 'cagrad', but loss.strategy is 'imtl_g'");
  spec.Clear();
  spec.set_strategy("mgda");
  spec.mutable_mgda()->set_upper_bound(true);
  EXPECT_TRUE(Create(spec)->needs_shared_representation());
}

TEST(GeometryTest, DotProductsAndCancellationFreeSums) {
  const PairGeometry g = Geometry(Vec({3.0, 0.0}), Vec({-1.0, 1.0}));
  EXPECT_DOUBLE_EQ(g.a, 9.0);
  EXPECT_DOUBLE_EQ(g.b, -3.0);
  EXPECT_DOUBLE_EQ(g.c, 2.0);
  EXPECT_DOUBLE_EQ(g.difference, 17.0);  // (4, -1)
  EXPECT_DOUBLE_EQ(g.sum, 5.0);          // (2, 1)
  // u1 + u2 = (1 - 1/sqrt2, 1/sqrt2).
  EXPECT_NEAR(g.unit_sum, 2.0 - std::sqrt(2.0), 1e-15);
  // Nearly opposite: a + c + 2b cancels to nothing in double, the vector sum does not.
  const PairGeometry near = Geometry(Vec({1.0, 1e-9}), Vec({-1.0, 0.0}));
  EXPECT_NEAR(near.sum, 1e-18, 1e-30);
  EXPECT_DOUBLE_EQ(Geometry(Vec({0.0, 0.0}), Vec({1.0, 0.0})).unit_sum, 0.0);
}

TEST(EpochMeanWeightsTest, MeanOfTheEpochsSteps) {
  EpochMeanWeights mean({0.5, 0.5});
  EXPECT_EQ(mean.Mean(), (std::vector<double>{0.5, 0.5}));
  mean.Add({1.0, 0.0});
  mean.Add({0.0, 2.0});
  EXPECT_EQ(mean.Mean(), (std::vector<double>{0.5, 1.0}));
  mean.StartEpoch();
  EXPECT_EQ(mean.Mean(), (std::vector<double>{0.5, 1.0}));  // no step yet: the last epoch's
  mean.Add({0.25, 0.75});
  EXPECT_EQ(mean.Mean(), (std::vector<double>{0.25, 0.75}));
}

TEST(MgdaTest, MinNormPointByHand) {
  // g1 = (2, 0), g2 = (0, 1): gamma = 1/5, d = (0.4, 0.8), orthogonal to g1 - g2 = (2, -1).
  EXPECT_NEAR(MinNormGamma(Geometry(Vec({2.0, 0.0}), Vec({0.0, 1.0}))), 0.2, 1e-15);
  // g1 = (1, 0), g2 = (2, 0): the segment's min-norm point is its end g1.
  EXPECT_EQ(MinNormGamma(Geometry(Vec({1.0, 0.0}), Vec({2.0, 0.0}))), 1.0);
  EXPECT_EQ(MinNormGamma(Geometry(Vec({2.0, 0.0}), Vec({1.0, 0.0}))), 0.0);
  // Equal gradients, and two zero gradients: one point.
  EXPECT_EQ(MinNormGamma(Geometry(Vec({1.0, 2.0}), Vec({1.0, 2.0}))), 0.5);
  EXPECT_EQ(MinNormGamma(Geometry(Vec({0.0, 0.0}), Vec({0.0, 0.0}))), 0.5);
  // A zero gradient is the min-norm point: d = 0.
  EXPECT_EQ(MinNormGamma(Geometry(Vec({0.0, 0.0}), Vec({1.0, 1.0}))), 1.0);
  // Opposite gradients: d = 0 at gamma = 1/2 (equal norms) or 2/3 (g2 = -2 g1).
  EXPECT_NEAR(MinNormGamma(Geometry(Vec({1.0, 0.0}), Vec({-1.0, 0.0}))), 0.5, 1e-15);
  EXPECT_NEAR(MinNormGamma(Geometry(Vec({1.0, 0.0}), Vec({-2.0, 0.0}))), 2.0 / 3.0, 1e-15);
}

TEST(MgdaTest, TheMinNormPointMinimisesTheNorm) {
  std::mt19937_64 engine(7);
  for (int trial = 0; trial < 20; ++trial) {
    const auto [g1, g2] = RandomPair(engine, 5);
    const std::vector<double> w = MgdaWeights(g1, g2, {1.0, 1.0}, MgdaOptions::NONE);
    const double best = Direction(g1, g2, w).norm().item<double>();
    for (double t = 0.0; t <= 1.0; t += 1e-3) {
      EXPECT_LE(best, Direction(g1, g2, {t, 1.0 - t}).norm().item<double>() + 1e-12);
    }
  }
}

TEST(MgdaTest, NormalizationsAsTheAuthorsCode) {
  const at::Tensor g1 = Vec({3.0, 0.0});
  const at::Tensor g2 = Vec({0.0, 1.0});
  const std::vector<double> losses = {2.0, 1.0};
  // none: a = 9, c = 1: gamma = 1/10.
  EXPECT_NEAR(MgdaWeights(g1, g2, losses, MgdaOptions::NONE)[0], 0.1, 1e-15);
  // l2: unit vectors, orthogonal: 1/2.
  EXPECT_NEAR(MgdaWeights(g1, g2, losses, MgdaOptions::L2)[0], 0.5, 1e-15);
  // loss: (1.5, 0) and (0, 1): gamma = 1 / 3.25.
  EXPECT_NEAR(MgdaWeights(g1, g2, losses, MgdaOptions::LOSS)[0], 1.0 / 3.25, 1e-15);
  // loss+: (0.5, 0) and (0, 1): gamma = 1 / 1.25.
  EXPECT_NEAR(MgdaWeights(g1, g2, losses, MgdaOptions::LOSS_PLUS)[0], 0.8, 1e-15);
  // A zero loss or gradient divides by 1.
  EXPECT_EQ(MgdaNormalizers(MgdaOptions::LOSS_PLUS, {0.0, 2.0}, {3.0, 0.5}),
            (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(MgdaNormalizers(MgdaOptions::L2, {1.0, 1.0}, {0.0, 4.0}),
            (std::vector<double>{1.0, 4.0}));
}

TEST(MgdaStrategyTest, SharedGetTheMinNormPointHeadsTheWeightedGradient) {
  LossSpec spec;
  spec.set_strategy("mgda");
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  LinearCase model;
  model.theta.mutable_grad() = Vec({1.0, 1.0});
  const std::vector<at::Tensor> losses = model.Losses(Vec({2.0, 0.0}), Vec({0.0, 1.0}));
  const double l0 = losses[0].item<double>(), l1 = losses[1].item<double>();
  EXPECT_NEAR(strategy->Backward(losses, model.Context()), 0.2 * l0 + 0.8 * l1, 1e-12);
  // (0.4, 0.8) accumulated onto (1, 1); h gets 0.2 * 3 + 0.8 * 5.
  ExpectVector(model.theta.grad(), {1.4, 1.8}, 1e-12);
  EXPECT_NEAR(model.h.grad()[0].item<double>(), 4.6, 1e-12);
  EXPECT_NEAR(strategy->TaskWeights()[0], 0.2, 1e-12);
  // The reported weights are the epoch's mean.
  strategy->Backward(model.Losses(Vec({1.0, 0.0}), Vec({0.0, 1.0})), model.Context());
  EXPECT_NEAR(strategy->TaskWeights()[0], (0.2 + 0.5) / 2, 1e-12);
  strategy->StartEpoch(1, 2);
  strategy->Backward(model.Losses(Vec({1.0, 0.0}), Vec({0.0, 1.0})), model.Context());
  EXPECT_NEAR(strategy->TaskWeights()[0], 0.5, 1e-12);
}

TEST(MgdaStrategyTest, UpperBoundWeighsByTheRepresentationsGradients) {
  // z = W x is the shared representation; L_0 = 2 z_0 - z_1, L_1 = z_1. The gradients with
  // respect to z are (2, -1) and (0, 1): gamma = (1 + 1) / 8 = 1/4. With respect to W they are
  // outer products with x = (1, 3) and would give another gamma.
  LossSpec spec;
  spec.set_strategy("mgda");
  spec.mutable_mgda()->set_upper_bound(true);
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  const at::Tensor w = at::eye(2, at::kDouble).requires_grad_(true);
  const at::Tensor z = w.mv(Vec({1.0, 3.0}));
  BackwardContext context;
  context.shared_parameters = {w};
  context.shared_representation = {z};
  strategy->Backward({2.0 * z[0] - z[1], z[1]}, context);
  EXPECT_NEAR(strategy->TaskWeights()[0], 0.25, 1e-15);
  // dL/dW = (gamma (2, -1) + (1 - gamma) (0, 1)) x^T with x = (1, 3).
  ExpectVector(w.grad().flatten(), {0.5, 1.5, 0.5, 1.5}, 1e-12);
}

TEST(CagradTest, SymmetricPairByHand) {
  // Orthogonal unit gradients: t = 1/2 by symmetry, G w = g0 = (1/2, 1/2),
  // d = g0 (1 + c) / (1 + c^2).
  const std::vector<double> w = CagradWeights(Vec({1.0, 0.0}), Vec({0.0, 1.0}), 0.4);
  EXPECT_NEAR(w[0], 0.5 * 1.4 / 1.16, 1e-12);
  EXPECT_NEAR(w[1], 0.5 * 1.4 / 1.16, 1e-12);
  // c = 0 is the mean gradient.
  EXPECT_EQ(CagradWeights(Vec({3.0, 1.0}), Vec({0.0, -2.0}), 0.0), (std::vector<double>{0.5, 0.5}));
}

TEST(CagradTest, DegenerateCases) {
  // Opposite gradients of equal norm: g0 = 0, no ball, no step.
  const at::Tensor g = Vec({1.0, -2.0});
  const std::vector<double> opposite = CagradWeights(g, -g, 0.4);
  ExpectVector(Direction(g, -g, opposite), {0.0, 0.0}, 1e-15);
  // Equal gradients: d = g (1 + c) / (1 + c^2).
  ExpectVector(Direction(g, g, CagradWeights(g, g, 0.5)), {1.2, -2.4}, 1e-12);
  // g2 = -2 g1, c = 1: F is flat on [2/3, 1], up to the kink G w = 0 at t = 2/3. The ball
  // around g0 = -g1 / 2 of radius ||g1|| / 2 reaches 0, the one point no task's loss rises
  // along: d = 0, not the kink's g0 / 2.
  const std::vector<double> flat = CagradWeights(g, -2.0 * g, 1.0);
  ExpectVector(Direction(g, -2.0 * g, flat), {0.0, 0.0}, 1e-12);
  // With c = 0.4 the ball does not reach 0: t = 0 and d = g0 (1 - c) / (1 + c^2).
  ExpectVector(Direction(g, -2.0 * g, CagradWeights(g, -2.0 * g, 0.4)),
               {-0.5 * 0.6 / 1.16, 1.0 * 0.6 / 1.16}, 1e-12);
  // A zero gradient g1: F(t) = -t c / 2 + C (1 - t) ||g|| with C = 0.4 ||g|| / 2 falls all the
  // way to t = 1, where G w = 0: d = g0 / (1 + c^2).
  const at::Tensor zero = Vec({0.0, 0.0});
  EXPECT_EQ(CagradSimplexWeight(Geometry(zero, g), 0.4), 1.0);
  ExpectVector(Direction(zero, g, CagradWeights(zero, g, 0.4)), {0.5 / 1.16, -1.0 / 1.16}, 1e-12);
}

TEST(CagradTest, ClosedFormIsTheMinimumOfTheObjective) {
  std::mt19937_64 engine(11);
  for (const double c : {0.1, 0.4, 0.5, 1.0, 3.0}) {
    for (int trial = 0; trial < 20; ++trial) {
      const auto [g1, g2] = RandomPair(engine, 6);
      const at::Tensor g0 = (g1 + g2) / 2;
      const double radius = c * g0.norm().item<double>();
      // The objective from the vectors, not from PairGeometry.
      auto objective = [&](double t) {
        const at::Tensor gw = Direction(g1, g2, {t, 1.0 - t});
        return Dot(gw, g0) + radius * gw.norm().item<double>();
      };
      const double t = CagradSimplexWeight(Geometry(g1, g2), c);
      ASSERT_TRUE(t >= 0.0 && t <= 1.0);
      const double best = objective(t);
      for (double s = 0.0; s <= 1.0; s += 1e-3) EXPECT_LE(best, objective(s) + 1e-12) << s;
      for (double h : {-1e-6, 1e-6}) {
        if (t + h >= 0.0 && t + h <= 1.0) {
          EXPECT_LE(best, objective(t + h) + 1e-14);
        }
      }
      // The update's defining property (the paper's dual): d = (g0 + C G w / ||G w||)
      // / (1 + c^2) has ||d (1 + c^2) - g0|| = C.
      const at::Tensor d = Direction(g1, g2, CagradWeights(g1, g2, c)) * (1.0 + c * c);
      EXPECT_NEAR((d - g0).norm().item<double>(), radius, 1e-9 * (1.0 + radius));
    }
  }
}

TEST(CagradStrategyTest, SharedGetTheUpdateHeadsThePlainSum) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("cagrad");
  LinearCase model;
  strategy->Backward(model.Losses(Vec({1.0, 0.0}), Vec({0.0, 1.0})), model.Context());
  const double v = 0.5 * 1.4 / 1.16;
  ExpectVector(model.theta.grad(), {v, v}, 1e-12);
  EXPECT_NEAR(model.h.grad()[0].item<double>(), 8.0, 1e-12);
  EXPECT_NEAR(strategy->TaskWeights()[0], v, 1e-12);
}

// The defining system (G^T G / ||G^T G||_F) alpha = 1 / alpha, from the vectors.
void ExpectNashSolution(const at::Tensor& g1, const at::Tensor& g2,
                        const std::vector<double>& alpha) {
  const double a = Dot(g1, g1), b = Dot(g1, g2), c = Dot(g2, g2);
  const double s = std::sqrt(a * a + 2 * b * b + c * c);
  EXPECT_NEAR((a * alpha[0] + b * alpha[1]) / s * alpha[0], 1.0, 1e-9);
  EXPECT_NEAR((b * alpha[0] + c * alpha[1]) / s * alpha[1], 1.0, 1e-9);
}

TEST(NashMtlTest, SolvesTheBargainingSystem) {
  // Orthogonal unit gradients: M = I / sqrt2, alpha_i^2 = sqrt2.
  const std::vector<double> unit = NashMtlWeights(Vec({1.0, 0.0}), Vec({0.0, 1.0}));
  EXPECT_NEAR(unit[0], std::pow(2.0, 0.25), 1e-15);
  EXPECT_NEAR(unit[1], std::pow(2.0, 0.25), 1e-15);
  std::mt19937_64 engine(13);
  for (int trial = 0; trial < 20; ++trial) {
    const auto [g1, g2] = RandomPair(engine, 4);
    const std::vector<double> alpha = NashMtlWeights(g1, g2);
    EXPECT_GT(alpha[0], 0.0);
    EXPECT_GT(alpha[1], 0.0);
    ExpectNashSolution(g1, g2, alpha);
    // Scale-free, as the normalisation of G^T G makes it.
    const std::vector<double> scaled = NashMtlWeights(g1 * 1e3, g2 * 1e3);
    EXPECT_NEAR(scaled[0], alpha[0], 1e-12 * alpha[0]);
  }
  // Parallel gradients of different norms: still a solution.
  ExpectNashSolution(Vec({1.0, 1.0}), Vec({3.0, 3.0}),
                     NashMtlWeights(Vec({1.0, 1.0}), Vec({3.0, 3.0})));
}

TEST(NashMtlTest, DegenerateCases) {
  EXPECT_EQ(NashMtlWeights(Vec({0.0, 0.0}), Vec({1.0, 2.0})), (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(NashMtlWeights(Vec({0.0, 0.0}), Vec({0.0, 0.0})), (std::vector<double>{1.0, 1.0}));
  // Opposite: finite weights, no shared step.
  const at::Tensor g = Vec({1.0, -2.0});
  const std::vector<double> alpha = NashMtlWeights(g, -3.0 * g);
  EXPECT_TRUE(std::isfinite(alpha[0]) && std::isfinite(alpha[1]));
  ExpectVector(Direction(g, -3.0 * g, alpha), {0.0, 0.0}, 1e-12);
}

TEST(NashMtlStrategyTest, ClipsTheSharedUpdateOnly) {
  LossSpec spec;
  spec.set_strategy("nash_mtl");
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  LinearCase model;
  // alpha = 2^(1/4) each, whatever the scale; d = 2^(1/4) (3, 3), norm 3 2^(3/4) > 1: clipped
  // to norm / (norm + 1e-6). The head is not clipped: alpha_0 3 + alpha_1 5.
  strategy->Backward(model.Losses(Vec({3.0, 0.0}), Vec({0.0, 3.0})), model.Context());
  const double norm = 3.0 * std::pow(2.0, 0.75);
  EXPECT_NEAR(model.theta.grad().norm().item<double>(), norm / (norm + 1e-6), 1e-12);
  EXPECT_NEAR(model.h.grad()[0].item<double>(), 8.0 * std::pow(2.0, 0.25), 1e-12);
  EXPECT_NEAR(strategy->TaskWeights()[0], std::pow(2.0, 0.25), 1e-12);
  // max_norm 0: no clipping.
  spec.mutable_nash_mtl()->set_max_norm(0.0);
  strategy = Create(spec);
  LinearCase unclipped;
  strategy->Backward(unclipped.Losses(Vec({3.0, 0.0}), Vec({0.0, 3.0})), unclipped.Context());
  EXPECT_NEAR(unclipped.theta.grad().norm().item<double>(), norm, 1e-12);
}

TEST(ImtlGTest, EqualProjectionsOnTheUnitGradients) {
  // g1 = (3, 0), g2 = (0, 1): alpha = (1/4, 3/4), d = (3/4, 3/4).
  const std::vector<double> hand = ImtlGWeights(Vec({3.0, 0.0}), Vec({0.0, 1.0}));
  EXPECT_NEAR(hand[0], 0.25, 1e-15);
  EXPECT_NEAR(hand[1], 0.75, 1e-15);
  std::mt19937_64 engine(17);
  for (int trial = 0; trial < 20; ++trial) {
    const auto [g1, g2] = RandomPair(engine, 7);
    const std::vector<double> alpha = ImtlGWeights(g1, g2);
    const at::Tensor d = Direction(g1, g2, alpha);
    EXPECT_NEAR(Dot(d, g1) / g1.norm().item<double>(), Dot(d, g2) / g2.norm().item<double>(),
                1e-12 * d.norm().item<double>());
    EXPECT_NEAR(alpha[0] + alpha[1], 1.0, 1e-15);
  }
}

TEST(ImtlGTest, DegenerateCases) {
  EXPECT_EQ(ImtlGWeights(Vec({0.0, 0.0}), Vec({1.0, 2.0})), (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(ImtlGWeights(Vec({1.0, 2.0}), Vec({0.0, 0.0})), (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(ImtlGWeights(Vec({0.0, 0.0}), Vec({0.0, 0.0})), (std::vector<double>{0.5, 0.5}));
  // Parallel (the paper's matrix form is singular) and opposite: equal projections still.
  const at::Tensor g = Vec({1.0, 2.0});
  EXPECT_EQ(ImtlGWeights(g, 3.0 * g), (std::vector<double>{0.75, 0.25}));
  ExpectVector(Direction(g, -3.0 * g, ImtlGWeights(g, -3.0 * g)), {0.0, 0.0}, 1e-15);
}

TEST(ImtlGStrategyTest, HeadsGetThePlainGradient) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("imtl_g");
  LinearCase model;
  strategy->Backward(model.Losses(Vec({3.0, 0.0}), Vec({0.0, 1.0})), model.Context());
  ExpectVector(model.theta.grad(), {0.75, 0.75}, 1e-12);
  EXPECT_NEAR(model.h.grad()[0].item<double>(), 8.0, 1e-12);
}

TEST(RlwTest, SoftmaxAndNormalDraws) {
  const std::vector<double> w = Softmax({0.0, std::log(3.0)});
  EXPECT_NEAR(w[0], 0.25, 1e-15);
  EXPECT_NEAR(w[1], 0.75, 1e-15);
  EXPECT_EQ(Softmax({1000.0, 1000.0}), (std::vector<double>{0.5, 0.5}));
  // 100000 draws: mean 0 and variance 1 within a few standard errors, uncorrelated pairs.
  std::mt19937_64 engine(5);
  double sum = 0, squares = 0, products = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    const std::vector<double> z = StandardNormalPair(engine);
    sum += z[0] + z[1];
    squares += z[0] * z[0] + z[1] * z[1];
    products += z[0] * z[1];
  }
  EXPECT_NEAR(sum / (2 * n), 0.0, 0.015);
  EXPECT_NEAR(squares / (2 * n), 1.0, 0.02);
  EXPECT_NEAR(products / n, 0.0, 0.02);
}

TEST(RlwStrategyTest, RandomWeightsFollowTheSeedAndResume) {
  at::manual_seed(3);
  std::unique_ptr<MultitaskStrategy> a = Create("rlw");
  at::manual_seed(3);
  std::unique_ptr<MultitaskStrategy> b = Create("rlw");
  at::manual_seed(4);
  std::unique_ptr<MultitaskStrategy> other = Create("rlw");
  auto step = [](MultitaskStrategy& s) {
    const at::Tensor p = Vec({2.0, 4.0}).requires_grad_(true);
    const double value = s.Backward({p[0], p[1]}, BackwardContext{});
    const std::vector<double> w = dynamic_cast<RlwStrategy&>(s).last_weights();
    EXPECT_NEAR(value, 2.0 * w[0] + 4.0 * w[1], 1e-12);
    EXPECT_NEAR(p.grad()[0].item<double>(), w[0], 1e-12);
    return w;
  };
  std::vector<double> mean(2, 0.0);
  for (int i = 0; i < 5; ++i) {
    const std::vector<double> wa = step(*a);
    EXPECT_EQ(wa, step(*b));
    EXPECT_NE(wa, step(*other));
    EXPECT_GT(wa[0], 0.0);
    EXPECT_NEAR(wa[0] + wa[1], 1.0, 1e-15);
    mean[0] += wa[0] / 5;
    mean[1] += wa[1] / 5;
  }
  EXPECT_NEAR(a->TaskWeights()[0], mean[0], 1e-15);
  // A fresh strategy given the saved state draws what the original draws next.
  std::unique_ptr<MultitaskStrategy> resumed = Create("rlw");
  resumed->set_extra_state(a->extra_state());
  EXPECT_EQ(resumed->extra_state(), a->extra_state());
  EXPECT_EQ(a->extra_state()[1], 5.0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(step(*resumed), step(*a));
}

}  // namespace
}  // namespace nerve_mtl::losses
