#include "losses/cagrad.h"

#include <ATen/core/Tensor.h>

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace nerve_mtl::losses {
namespace {

// ||G w||^2 = ||t g1 + (1 - t) g2||^2, never below 0 for rounding's sake.
double SquaredNorm(const PairGeometry& g, double t) {
  const double s = 1.0 - t;
  return std::max(0.0, t * t * g.a + 2.0 * t * s * g.b + s * s * g.c);
}

double Radius(const PairGeometry& g, double c) { return c * std::sqrt(g.sum) / 2.0; }

}  // namespace

double CagradObjective(const PairGeometry& geometry, double c, double t) {
  // w^T G^T g0 = g2 . g0 + t (g1 - g2) . g0 and (g1 - g2) . (g1 + g2) / 2 = (a - c) / 2.
  return t * (geometry.a - geometry.c) / 2.0 +
         Radius(geometry, c) * std::sqrt(SquaredNorm(geometry, t));
}

double CagradSimplexWeight(const PairGeometry& geometry, double c) {
  const double d = geometry.difference;
  if (!(d > 0.0)) return 0.5;
  const double radius = Radius(geometry, c);
  const double p = (geometry.a - geometry.c) / 2.0;
  const double q = geometry.b - geometry.c;
  // C^2 (q + t D)^2 = p^2 ||G w||^2 with ||G w||^2 = c + 2 t q + t^2 D:
  // D k t^2 + 2 q k t + (C^2 q^2 - p^2 c) = 0, k = C^2 D - p^2.
  const double k = radius * radius * d - p * p;
  const double qa = d * k;
  const double qb = 2.0 * q * k;
  const double qc = radius * radius * q * q - p * p * geometry.c;
  std::vector<double> candidates = {0.0, 1.0};
  if (qa != 0.0) {
    const double discriminant = qb * qb - 4.0 * qa * qc;
    if (discriminant >= 0.0) {
      // The form without cancellation between -qb and the root.
      const double h = -0.5 * (qb + std::copysign(std::sqrt(discriminant), qb));
      if (h != 0.0) candidates.push_back(qc / h);
      candidates.push_back(h / qa);
    }
  } else if (qb != 0.0) {
    candidates.push_back(-qc / qb);
  }
  double best_t = 0.0;
  double best = CagradObjective(geometry, c, 0.0);
  for (double t : candidates) {
    if (!(t >= 0.0 && t <= 1.0)) continue;
    const double value = CagradObjective(geometry, c, t);
    if (value < best) {
      best = value;
      best_t = t;
    }
  }
  // F can be flat on an interval ending at the kink G w = 0 (opposite gradients, c >= 1): any
  // point of it is a minimum, but only away from the kink does G w / ||G w|| give the update
  // (there d = 0, the ball's point orthogonal to both gradients); at the kink the term would be
  // dropped. So a tie within rounding goes to a candidate with G w != 0.
  const double tiny = 1e-12 * (geometry.a + geometry.c);
  if (SquaredNorm(geometry, best_t) <= tiny * tiny) {
    for (double t : candidates) {
      if (t >= 0.0 && t <= 1.0 && SquaredNorm(geometry, t) > tiny * tiny &&
          CagradObjective(geometry, c, t) <= best + tiny) {
        return t;
      }
    }
  }
  return best_t;
}

std::vector<double> CagradWeights(const at::Tensor& g1, const at::Tensor& g2, double c) {
  const PairGeometry geometry = Geometry(g1, g2);
  const double scale = 1.0 / (1.0 + c * c);
  const double radius = Radius(geometry, c);
  const double t = CagradSimplexWeight(geometry, c);
  const double norm = std::sqrt(SquaredNorm(geometry, t));
  if (!(radius > 0.0) || !(norm > 0.0)) return {0.5 * scale, 0.5 * scale};
  return {(0.5 + radius * t / norm) * scale, (0.5 + radius * (1.0 - t) / norm) * scale};
}

CagradStrategy::CagradStrategy(double c) : c_(c), mean_({1.0, 1.0}) {}

absl::Status CagradStrategy::Validate(const LossSpec& spec) {
  const double c = spec.cagrad().c();
  if (!(c >= 0.0) || !std::isfinite(c)) {
    return absl::InvalidArgumentError(
        absl::StrCat("loss.cagrad.c must be finite and >= 0, got ", c));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MultitaskStrategy>> CagradStrategy::Create(const LossSpec& spec) {
  if (absl::Status status = Validate(spec); !status.ok()) return status;
  return std::make_unique<CagradStrategy>(spec.cagrad().c());
}

void CagradStrategy::StartEpoch(int /*epoch*/, int /*total_epochs*/) { mean_.StartEpoch(); }

double CagradStrategy::Backward(const std::vector<at::Tensor>& task_losses,
                                const BackwardContext& context) {
  PairCombination combination;
  combination.weights = [this](const at::Tensor& g1, const at::Tensor& g2) {
    return CagradWeights(g1, g2, c_);
  };
  return BackwardPair(task_losses, context, combination, &mean_).combined;
}

namespace {

[[maybe_unused]] const bool kRegistered =
    RegisterStrategy("cagrad", CagradStrategy::Create, CagradStrategy::Validate);

}  // namespace

}  // namespace nerve_mtl::losses
