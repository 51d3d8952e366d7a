// Every multitask strategy, in one binary to keep compile time down.
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "losses/dwa.h"
#include "losses/gradnorm.h"
#include "losses/loss_spec.pb.h"
#include "losses/pcgrad.h"
#include "losses/scheduled.h"
#include "losses/strategy.h"
#include "losses/uncertainty.h"

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

std::string CreateError(const LossSpec& spec) {
  return std::string(CreateStrategy(spec).status().message());
}

double Value(const at::Tensor& t) { return t.item<double>(); }

// A tiny two-task model: shared theta [2], task-specific heads a and b.
// L_seg = (a * theta . x)^2, L_cls = b * theta . x.
struct TinyModel {
  at::Tensor theta = at::tensor({0.5, -1.0}, at::kDouble).requires_grad_(true);
  at::Tensor a = at::tensor({2.0}, at::kDouble).requires_grad_(true);
  at::Tensor b = at::tensor({-3.0}, at::kDouble).requires_grad_(true);
  at::Tensor x = at::tensor({1.0, 2.0}, at::kDouble);

  std::vector<at::Tensor> Losses() const {
    const at::Tensor z = (theta * x).sum();
    return {(a * z).pow(2).sum(), (b * z).sum()};
  }
  std::vector<at::Tensor> Parameters() const { return {theta, a, b}; }
};

TEST(CreateStrategyTest, UnknownNameListsTheLinkedOnes) {
  LossSpec spec;
  spec.set_strategy("nash");
  EXPECT_EQ(CreateError(spec),
            "loss.strategy: unknown strategy 'nash' (linked: dwa, equal, gradnorm, linear, "
            "pcgrad, scheduled, uncertainty)");
}

TEST(CreateStrategyTest, EveryStrategyReportsTwoWeights) {
  for (const char* name :
       {"linear", "equal", "uncertainty", "scheduled", "dwa", "gradnorm", "pcgrad"}) {
    std::unique_ptr<MultitaskStrategy> strategy = Create(name);
    ASSERT_NE(strategy, nullptr) << name;
    EXPECT_EQ(strategy->TaskWeights().size(), 2u) << name;
  }
}

// A strategy whose weights train in an Adam group of their own says so in its traits, at the
// multiplier it gives the optimiser; GradNorm's rate is its own update's step size.
TEST(StrategyTraitsTest, OwnLearningRatesMatchTheBuiltStrategy) {
  for (const std::string& name : RegisteredStrategies()) {
    SCOPED_TRACE(name);
    LossSpec spec;
    spec.set_strategy(name);
    absl::StatusOr<StrategyTraits> traits = StrategyTraitsOf(name);
    ASSERT_TRUE(traits.ok()) << traits.status();
    std::vector<OwnLearningRate> rates;
    if (traits->own_learning_rates) rates = traits->own_learning_rates(spec);
    std::unique_ptr<MultitaskStrategy> strategy = Create(name);
    ASSERT_NE(strategy, nullptr);
    int multiples = 0;
    for (const OwnLearningRate& rate : rates) {
      if (!rate.multiple_of_base) continue;
      ++multiples;
      EXPECT_EQ(rate.value, strategy->lr_multiplier());
    }
    EXPECT_EQ(multiples, strategy->parameters().empty() ? 0 : 1);
  }
  LossSpec gradnorm;
  gradnorm.set_strategy("gradnorm");
  gradnorm.mutable_gradnorm()->set_weight_lr(0.125);
  const std::vector<OwnLearningRate> rates =
      StrategyTraitsOf("gradnorm")->own_learning_rates(gradnorm);
  ASSERT_EQ(rates.size(), 1u);
  EXPECT_FALSE(rates[0].multiple_of_base);
  EXPECT_EQ(rates[0].value, 0.125);
  EXPECT_FALSE(StrategyTraitsOf("nash").ok());
}

// Each strategy's validator refuses a bad option naming the field, without building anything;
// CreateStrategy says the same.
TEST(ValidateLossSpecTest, EachStrategysValidatorNamesTheField) {
  const std::vector<std::pair<std::function<void(LossSpec&)>, std::string>> cases = {
      {[](LossSpec& s) { s.mutable_linear()->set_classification_weight(-0.5); },
       "loss.linear.classification_weight must be finite and >= 0, got -0.5"},
      {[](LossSpec& s) { s.mutable_dwa()->set_temperature(0.0); },
       "loss.dwa.temperature must be > 0, got 0"},
      {[](LossSpec& s) { s.mutable_gradnorm()->set_alpha(-1.0); },
       "loss.gradnorm.alpha must be finite and >= 0, got -1"},
      {[](LossSpec& s) { s.mutable_gradnorm()->set_weight_lr(0.0); },
       "loss.gradnorm.weight_lr must be finite and > 0, got 0"},
      {[](LossSpec& s) { s.mutable_scheduled()->set_schedule_epochs(-3); },
       "loss.scheduled.schedule_epochs must be >= 0, got -3"},
      {[](LossSpec& s) { s.mutable_uncertainty()->set_lr_multiplier(0.0); },
       "loss.uncertainty.lr_multiplier must be finite and > 0, got 0"},
  };
  for (const auto& [edit, message] : cases) {
    LossSpec spec;
    edit(spec);
    // The options message set names the strategy.
    std::vector<const google::protobuf::FieldDescriptor*> set;
    spec.GetReflection()->ListFields(spec, &set);
    ASSERT_EQ(set.size(), 1u);
    spec.set_strategy(set[0]->name());
    const absl::Status status = ValidateLossSpec(spec);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << message;
    EXPECT_EQ(status.message(), message);
    EXPECT_EQ(CreateError(spec), message);
  }
}

// Another strategy's options would be ignored: refused when they differ from their defaults,
// accepted when spelled out at their defaults (as a resolved spec spells out every field).
TEST(ValidateLossSpecTest, RefusesAnotherStrategysOptions) {
  LossSpec spec;
  spec.set_strategy("linear");
  spec.mutable_gradnorm()->set_alpha(2.0);
  EXPECT_EQ(ValidateLossSpec(spec).message(),
            "loss.gradnorm: options of strategy 'gradnorm', but loss.strategy is 'linear'");
  spec.set_strategy("pcgrad");
  spec.clear_gradnorm();
  spec.mutable_linear()->set_classification_weight(0.03);
  EXPECT_EQ(ValidateLossSpec(spec).message(),
            "loss.linear: options of strategy 'linear', but loss.strategy is 'pcgrad'");
  for (const char* name :
       {"linear", "equal", "uncertainty", "scheduled", "dwa", "gradnorm", "pcgrad"}) {
    LossSpec spelled_out;
    spelled_out.set_strategy(name);
    spelled_out.mutable_linear()->set_classification_weight(0.1);
    spelled_out.mutable_gradnorm()->set_alpha(1.5);
    spelled_out.mutable_uncertainty();
    spelled_out.mutable_dice()->set_smooth(1e-4);  // the task losses' options apply to all
    EXPECT_TRUE(ValidateLossSpec(spelled_out).ok())
        << name << ": " << ValidateLossSpec(spelled_out);
  }
}

TEST(LinearStrategyTest, BackwardFillsGradLikeLossBackward) {
  LossSpec spec;
  spec.mutable_linear()->set_segmentation_weight(1.0);
  spec.mutable_linear()->set_classification_weight(0.03);
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 0.03}));

  TinyModel model;
  TinyModel reference;
  // .grad accumulates, as loss.backward() does.
  for (const TinyModel* m : {&model, &reference}) {
    m->theta.mutable_grad() = at::ones({2}, at::kDouble);
  }
  const double value = strategy->Backward(model.Losses(), BackwardContext{});
  const std::vector<at::Tensor> losses = reference.Losses();
  const at::Tensor total = losses[0] + 0.03 * losses[1];
  total.backward();
  EXPECT_NEAR(value, Value(total), 1e-12);
  for (size_t i = 0; i < model.Parameters().size(); ++i) {
    EXPECT_TRUE(at::allclose(model.Parameters()[i].grad(), reference.Parameters()[i].grad()))
        << "parameter " << i;
  }
}

TEST(EqualStrategyTest, SumsTheLosses) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("equal");
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 1.0}));
  TinyModel model;
  // z = 0.5 - 2 = -1.5: L_seg = 9, L_cls = 4.5.
  EXPECT_NEAR(strategy->Backward(model.Losses(), BackwardContext{}), 13.5, 1e-12);
  // dL/da = 2 a z^2 = 9.
  EXPECT_NEAR(Value(model.a.grad()[0]), 9.0, 1e-12);
}

// d/ds (c exp(-s) L + s/2) = -c exp(-s) L + 1/2, and the model sees c exp(-s) dL.
void CheckUncertainty(bool regression_like) {
  LossSpec spec;
  spec.set_strategy("uncertainty");
  spec.mutable_uncertainty()->set_initial_log_variance(-0.5);
  spec.mutable_uncertainty()->set_segmentation_regression_like(regression_like);
  spec.mutable_uncertainty()->set_lr_multiplier(10.0);
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  ASSERT_EQ(strategy->parameters().size(), 1u);
  const at::Tensor s = strategy->parameters()[0];
  EXPECT_TRUE(s.requires_grad());
  EXPECT_EQ(strategy->lr_multiplier(), 10.0);

  // Different log variances per task.
  {
    // c10's name: LibTorch 2.x's ATen/ATen.h no longer brings at::NoGradGuard.
    c10::NoGradGuard no_grad;
    s[1].fill_(0.25);
  }
  const double c = regression_like ? 0.5 : 1.0;
  const double s0 = -0.5;
  const double s1 = 0.25;
  const double l0 = 0.8;
  const double l1 = 2.0;
  const at::Tensor p = at::tensor({l0, l1}, at::kDouble).requires_grad_(true);
  const double value = strategy->Backward({p[0], p[1]}, BackwardContext{});

  auto objective = [&](double u0, double u1) {
    return c * std::exp(-u0) * l0 + u0 / 2 + std::exp(-u1) * l1 + u1 / 2;
  };
  EXPECT_NEAR(value, objective(s0, s1), 1e-6);
  const std::vector<double> hand = {-c * std::exp(-s0) * l0 + 0.5, -std::exp(-s1) * l1 + 0.5};
  const double h = 1e-5;
  const std::vector<double> numeric = {(objective(s0 + h, s1) - objective(s0 - h, s1)) / (2 * h),
                                       (objective(s0, s1 + h) - objective(s0, s1 - h)) / (2 * h)};
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(Value(s.grad()[i]), hand[i], 1e-6) << "s_" << i;
    EXPECT_NEAR(numeric[i], hand[i], 1e-6) << "s_" << i;
  }
  const std::vector<double> multipliers = {c * std::exp(-s0), std::exp(-s1)};
  EXPECT_NEAR(Value(p.grad()[0]), multipliers[0], 1e-6);
  EXPECT_NEAR(Value(p.grad()[1]), multipliers[1], 1e-6);
  EXPECT_NEAR(strategy->TaskWeights()[0], multipliers[0], 1e-6);
  EXPECT_NEAR(strategy->TaskWeights()[1], multipliers[1], 1e-6);
}

TEST(UncertaintyStrategyTest, ClassificationLikeGradients) { CheckUncertainty(false); }
TEST(UncertaintyStrategyTest, RegressionLikeGradients) { CheckUncertainty(true); }

TEST(UncertaintyStrategyTest, TotalMayBeNegative) {
  LossSpec spec;
  spec.set_strategy("uncertainty");
  spec.mutable_uncertainty()->set_initial_log_variance(-4.0);
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  const at::Tensor p = at::tensor({1e-3, 1e-3}, at::kDouble).requires_grad_(true);
  // 2 (exp(4) 1e-3 - 2) < 0.
  EXPECT_NEAR(strategy->Backward({p[0], p[1]}, BackwardContext{}), 2 * (std::exp(4.0) * 1e-3 - 2.0),
              1e-5);
}

TEST(ScheduledStrategyTest, LambdaAtStartMiddleAndEnd) {
  EXPECT_DOUBLE_EQ(ScheduledSegmentationLambda(0, 10), 0.5);
  EXPECT_DOUBLE_EQ(ScheduledSegmentationLambda(5, 10), 1.0 - 0.5 * std::pow(0.5, 4));
  EXPECT_DOUBLE_EQ(ScheduledSegmentationLambda(5, 10), 0.96875);
  EXPECT_DOUBLE_EQ(ScheduledSegmentationLambda(10, 10), 1.0);
  EXPECT_DOUBLE_EQ(ScheduledSegmentationLambda(15, 10), 1.0);
}

TEST(ScheduledStrategyTest, ScheduleLengthDefaultsToTheRun) {
  LossSpec spec;
  spec.set_strategy("scheduled");
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{0.5, 0.1 * 0.5}));
  strategy->StartEpoch(20, 40);
  EXPECT_DOUBLE_EQ(strategy->TaskWeights()[0], 0.96875);
  EXPECT_DOUBLE_EQ(strategy->TaskWeights()[1], 0.1 * 0.03125);

  spec.mutable_scheduled()->set_schedule_epochs(10);
  spec.mutable_scheduled()->set_classification_scale(1.0);
  strategy = Create(spec);
  strategy->StartEpoch(5, 40);
  EXPECT_DOUBLE_EQ(strategy->TaskWeights()[1], 0.03125);
  const at::Tensor p = at::tensor({2.0, 4.0}, at::kDouble).requires_grad_(true);
  EXPECT_NEAR(strategy->Backward({p[0], p[1]}, BackwardContext{}), 0.96875 * 2 + 0.03125 * 4,
              1e-12);
  strategy->StartEpoch(12, 40);
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 0.0}));
}

TEST(DwaStrategyTest, WeightsFromTheLossHistory) {
  LossSpec spec;
  spec.set_strategy("dwa");
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 1.0}));
  strategy->EndEpoch({1.0, 2.0});
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 1.0}));
  // r = (0.5, 0.75); w_0 = 2 exp(0.25) / (exp(0.25) + exp(0.375)) = 2 / (1 + exp(0.125)).
  strategy->EndEpoch({0.5, 1.5});
  std::vector<double> weights = strategy->TaskWeights();
  EXPECT_NEAR(weights[0], 2.0 / (1.0 + std::exp(0.125)), 1e-12);
  EXPECT_NEAR(weights[0], 0.937581, 1e-6);
  EXPECT_NEAR(weights[0] + weights[1], 2.0, 1e-12);
  // r = (0.5, 0.8): the slower task keeps gaining.
  strategy->EndEpoch({0.25, 1.2});
  weights = strategy->TaskWeights();
  EXPECT_NEAR(weights[1], 2.0 / (1.0 + std::exp(-0.15)), 1e-12);

  const at::Tensor p = at::tensor({1.0, 1.0}, at::kDouble).requires_grad_(true);
  EXPECT_NEAR(strategy->Backward({p[0], p[1]}, BackwardContext{}), 2.0, 1e-12);
  EXPECT_NEAR(Value(p.grad()[1]), weights[1], 1e-12);
}

TEST(DwaStrategyTest, TemperatureSharpens) {
  const std::vector<double> sharp = DwaWeights({0.5, 0.75}, {1.0, 1.0}, 0.1);
  EXPECT_NEAR(sharp[1], 2.0 / (1.0 + std::exp(-2.5)), 1e-12);
}

// Shared linear layer W = [1, 1] on x = (1, 2), z = W x = 3; heads L_0 = 2 z = 6,
// L_1 = z^2 = 9. grad_W L_0 = 2 x = (2, 4), norm 2 sqrt 5; grad_W L_1 = 2 z x = (6, 12),
// norm 6 sqrt 5.
struct GradNormCase {
  at::Tensor w = at::tensor({1.0, 1.0}, at::kDouble).view({1, 2}).requires_grad_(true);
  at::Tensor x = at::tensor({1.0, 2.0}, at::kDouble).view({2, 1});
  std::vector<at::Tensor> Losses(double scale_1 = 1.0) const {
    const at::Tensor z = w.mm(x).sum();
    return {2.0 * z, scale_1 * z * z};
  }
};

TEST(GradNormStrategyTest, FirstStepHandWorked) {
  LossSpec spec;
  spec.set_strategy("gradnorm");
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  auto* gradnorm = dynamic_cast<GradNormStrategy*>(strategy.get());
  ASSERT_NE(gradnorm, nullptr);
  GradNormCase model;
  BackwardContext context;
  context.last_shared_weight = model.w;
  context.shared_parameters = {model.w};

  EXPECT_NEAR(strategy->Backward(model.Losses(), context), 15.0, 1e-12);
  const double root5 = std::sqrt(5.0);
  ASSERT_EQ(gradnorm->gradient_norms().size(), 2u);
  EXPECT_NEAR(gradnorm->gradient_norms()[0], 2 * root5, 1e-9);
  EXPECT_NEAR(gradnorm->gradient_norms()[1], 6 * root5, 1e-9);
  // The model's gradient uses the weights before the update (1, 1).
  EXPECT_TRUE(at::allclose(model.w.grad(), at::tensor({8.0, 16.0}, at::kDouble).view({1, 2})));

  // First step: L~ = (1, 1), targets mean(G) = 4 sqrt 5. G_0 is below its target, G_1 above:
  // w_0 rises, w_1 falls, then both scale to sum to 2.
  const double w0 = 1 + 0.025 * 2 * root5;
  const double w1 = 1 - 0.025 * 6 * root5;
  const std::vector<double> weights = strategy->TaskWeights();
  EXPECT_GT(weights[0], 1.0);
  EXPECT_LT(weights[1], 1.0);
  EXPECT_NEAR(weights[0], 2 * w0 / (w0 + w1), 1e-12);
  EXPECT_NEAR(weights[1], 2 * w1 / (w0 + w1), 1e-12);
  EXPECT_NEAR(weights[0] + weights[1], 2.0, 1e-12);

  // Second step: G_i = w_i ||grad_W L_i|| with the updated weights, and the model's gradient
  // uses them too.
  model.w.mutable_grad() = at::Tensor();
  const double value = strategy->Backward(model.Losses(), context);
  EXPECT_NEAR(value, 6 * weights[0] + 9 * weights[1], 1e-9);
  EXPECT_NEAR(gradnorm->gradient_norms()[0], weights[0] * 2 * root5, 1e-9);
  EXPECT_NEAR(gradnorm->gradient_norms()[1], weights[1] * 6 * root5, 1e-9);
  EXPECT_TRUE(at::allclose(
      model.w.grad(),
      at::tensor({2 * weights[0] + 6 * weights[1], 4 * weights[0] + 12 * weights[1]}, at::kDouble)
          .view({1, 2})));
}

TEST(GradNormStrategyTest, FasterTaskGetsTheSmallerTarget) {
  // Second step with L_1 halved: L~ = (1, 0.5), r = (4/3, 2/3). With alpha = 0 the target is
  // mean(G) for both; with alpha = 3 task 0's target is far above its G.
  LossSpec spec;
  spec.set_strategy("gradnorm");
  spec.mutable_gradnorm()->set_alpha(3.0);
  spec.mutable_gradnorm()->set_weight_lr(1e-3);
  std::unique_ptr<MultitaskStrategy> strategy = Create(spec);
  GradNormCase model;
  BackwardContext context;
  context.last_shared_weight = model.w;
  strategy->Backward(model.Losses(), context);
  const std::vector<double> before = strategy->TaskWeights();
  strategy->Backward(model.Losses(0.5), context);
  const std::vector<double> after = strategy->TaskWeights();
  // G = (w0 2 sqrt5, w1 3 sqrt5) ~ (4.5, 6.6); targets mean(G) (4/3)^3 ~ 13.2 and
  // mean(G) (2/3)^3 ~ 1.7: w_0 rises, w_1 falls.
  EXPECT_GT(after[0], before[0]);
  EXPECT_LT(after[1], before[1]);
  EXPECT_NEAR(after[0] + after[1], 2.0, 1e-12);
}

TEST(GradNormStrategyTest, ExtraStateRestoresAResumedRun) {
  LossSpec spec;
  spec.set_strategy("gradnorm");
  std::unique_ptr<MultitaskStrategy> original = Create(spec);
  GradNormCase model;
  BackwardContext context;
  context.last_shared_weight = model.w;
  original->Backward(model.Losses(), context);
  // A fresh strategy given the saved state continues exactly like the original.
  std::unique_ptr<MultitaskStrategy> resumed = Create(spec);
  resumed->set_extra_state(original->extra_state());
  EXPECT_EQ(resumed->TaskWeights(), original->TaskWeights());
  original->Backward(model.Losses(0.5), context);
  resumed->Backward(model.Losses(0.5), context);
  EXPECT_EQ(resumed->TaskWeights(), original->TaskWeights());
  EXPECT_EQ(resumed->extra_state().size(), 4u);
}

TEST(GradNormStrategyTest, WithoutSharedWeightItIsEqualWeighting) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("gradnorm");
  TinyModel model;
  EXPECT_NEAR(strategy->Backward(model.Losses(), BackwardContext{}), 13.5, 1e-12);
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 1.0}));
  EXPECT_NEAR(Value(model.a.grad()[0]), 9.0, 1e-12);
}

TEST(PcGradTest, ProjectsConflictingGradients) {
  // g1 . g2 = -1: g1' = g1 + 0.5 g2 = (0.5, 0.5); g2' = g2 + g1 = (0, 1).
  const at::Tensor g1 = at::tensor({1.0, 0.0}, at::kDouble);
  const at::Tensor g2 = at::tensor({-1.0, 1.0}, at::kDouble);
  EXPECT_TRUE(
      at::allclose(ProjectConflictingGradients({g1, g2}), at::tensor({0.5, 1.5}, at::kDouble)));
  // Non-conflicting gradients are left alone.
  const at::Tensor g3 = at::tensor({1.0, 1.0}, at::kDouble);
  EXPECT_TRUE(
      at::allclose(ProjectConflictingGradients({g1, g3}), at::tensor({2.0, 1.0}, at::kDouble)));
}

// L_i = g_i . theta + c_i h: theta is shared, h task-specific.
struct PcGradCase {
  at::Tensor theta = at::tensor({0.3, -0.7}, at::kDouble).requires_grad_(true);
  at::Tensor h = at::tensor({1.5}, at::kDouble).requires_grad_(true);
  std::vector<at::Tensor> Losses(const at::Tensor& g1, const at::Tensor& g2) const {
    return {(g1 * theta).sum() + 3.0 * h.sum(), (g2 * theta).sum() + 5.0 * h.sum()};
  }
};

TEST(PcGradStrategyTest, SharedGetProjectedSumOthersPlainSum) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("pcgrad");
  PcGradCase model;
  model.theta.mutable_grad() = at::tensor({1.0, 1.0}, at::kDouble);
  BackwardContext context;
  context.shared_parameters = {model.theta};
  const std::vector<at::Tensor> losses =
      model.Losses(at::tensor({1.0, 0.0}, at::kDouble), at::tensor({-1.0, 1.0}, at::kDouble));
  const double expected = Value(losses[0] + losses[1]);
  EXPECT_NEAR(strategy->Backward(losses, context), expected, 1e-12);
  // Accumulated onto the (1, 1) already there.
  EXPECT_TRUE(at::allclose(model.theta.grad(), at::tensor({1.5, 2.5}, at::kDouble)))
      << model.theta.grad();
  EXPECT_NEAR(Value(model.h.grad()[0]), 8.0, 1e-12);
}

TEST(PcGradStrategyTest, NonConflictingIsThePlainSum) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("pcgrad");
  PcGradCase model;
  BackwardContext context;
  context.shared_parameters = {model.theta};
  strategy->Backward(
      model.Losses(at::tensor({1.0, 0.0}, at::kDouble), at::tensor({1.0, 1.0}, at::kDouble)),
      context);
  EXPECT_TRUE(at::allclose(model.theta.grad(), at::tensor({2.0, 1.0}, at::kDouble)));
  EXPECT_NEAR(Value(model.h.grad()[0]), 8.0, 1e-12);
}

TEST(PcGradStrategyTest, WithoutSharedParametersItIsEqualWeighting) {
  std::unique_ptr<MultitaskStrategy> strategy = Create("pcgrad");
  PcGradCase model;
  strategy->Backward(
      model.Losses(at::tensor({1.0, 0.0}, at::kDouble), at::tensor({-1.0, 1.0}, at::kDouble)),
      BackwardContext{});
  EXPECT_TRUE(at::allclose(model.theta.grad(), at::tensor({0.0, 1.0}, at::kDouble)));
  EXPECT_EQ(strategy->TaskWeights(), (std::vector<double>{1.0, 1.0}));
}

}  // namespace
}  // namespace nerve_mtl::losses
