// SoftQuickFCN: soft parameter sharing with cross-stitch units, registered as "softquickfcn"
// (docs/DESIGN.md section 1).
#ifndef NERVE_MTL_MODELS_SOFTQUICKFCN_H_
#define NERVE_MTL_MODELS_SOFTQUICKFCN_H_

#include <torch/nn/pimpl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "models/cross_stitch.h"
#include "models/model.h"
#include "models/model_spec.pb.h"
#include "models/quickclassifier.h"
#include "models/quicknat.h"

namespace nerve_mtl::models {

// A segmentation branch (a QuickNat) and a classification branch (a QuickClassifier with an
// identical encoder), joined by spec.depth() + 1 cross-stitch units: one after each pooled
// encoder output and one after the bottlenecks. The segmentation decoder's skips carry the
// branch's own pre-pool features (not stitched) and its own pooling indices.
// Children: segmentation, classification, cross_stitch (a list: cross_stitch.<i>.alpha_ss ...).
//
// Protocol: pretraining_specs() names the two single-task models to train first;
// LoadPretrained (or LoadBranches) copies them into the branches; the alphas keep their init.
class SoftQuickFcnImpl : public MultitaskModelImpl {
 public:
  // `spec` must pass ValidateSoftQuickFcnSpec (CreateModel runs it first).
  explicit SoftQuickFcnImpl(const ModelSpec& spec);
  void reset();
  ModelOutput forward(const torch::Tensor& images) override;
  bool segments() const override { return true; }
  bool classifies() const override { return true; }

  // Everything through which both losses' gradients flow: both branches' encoders with their
  // bottlenecks (the stitches carry each branch's features into the other task) and the alphas
  // of units 0 .. depth-1. Not the last unit's alphas: alpha_ss and alpha_sc feed only the
  // segmentation output, alpha_cs and alpha_cc only the classification output.
  std::vector<torch::Tensor> shared_parameters() override;
  // The 1x1 convolution weight of the segmentation branch's bottleneck, the last layer both
  // tasks reach (the same layer as QuickFcn's). The last unit's alphas would not do: each of
  // them gets one task's gradient only, so GradNorm would measure a zero norm for the other
  // task. The classification loss reaches this weight through the last unit's alpha_cs.
  torch::Tensor last_shared_weight() override;
  // One group, "cross_stitch": every alpha, at the absolute rate
  // spec.cross_stitch_learning_rate().
  std::vector<ParameterGroup> parameter_groups() override;
  // The mean of each alpha per unit: "cross_stitch/<unit>/ss", ".../sc", ".../cs", ".../cc".
  std::vector<std::pair<std::string, double>> diagnostics() override;
  // {quicknat, quickclassifier} specs built from this spec: the branches' own specs, with the
  // fields they do not read cleared so that equal branches share the trainer's cache.
  std::vector<ModelSpec> pretraining_specs() const override;
  // Expects the trained models of pretraining_specs(), in that order; see LoadBranches.
  absl::Status LoadPretrained(
      const std::vector<std::shared_ptr<MultitaskModelImpl>>& pretrained) override;

  const ModelSpec& spec() const { return spec_; }
  QuickNat segmentation_branch() const { return segmentation_; }
  QuickClassifier classification_branch() const { return classification_; }
  const std::vector<CrossStitchUnit>& cross_stitch_units() const { return units_; }
  // All alphas, unit by unit (ss, sc, cs, cc).
  std::vector<torch::Tensor> alphas() const;

 private:
  ModelSpec spec_;
  QuickNat segmentation_{nullptr};
  QuickClassifier classification_{nullptr};
  std::vector<CrossStitchUnit> units_;
};
TORCH_MODULE(SoftQuickFcn);

// The registered validator: both branches' options, the cross-stitch options (a
// cross_stitch_self_weight beside CROSS_STITCH_UNIFORM, which ignores it, is refused).
absl::Status ValidateSoftQuickFcnSpec(const ModelSpec& spec);

// The spec of each branch (and of its pretraining): `spec` renamed, fields it ignores cleared.
ModelSpec SegmentationBranchSpec(const ModelSpec& spec);
ModelSpec ClassificationBranchSpec(const ModelSpec& spec);

// Copies every parameter and buffer (batch-norm statistics included), by name, from the
// pretrained single-task models into the branches of `model`. Checks everything before copying
// anything: a missing, extra or differently shaped tensor fails with the first mismatch named
// ("segmentation branch: parameter 'encoder.block0.dense.conv1.weight' has shape ...").
absl::Status LoadBranches(SoftQuickFcnImpl& model, QuickNatImpl& pretrained_seg,
                          QuickClassifierImpl& pretrained_cls);

}  // namespace nerve_mtl::models

#endif  // NERVE_MTL_MODELS_SOFTQUICKFCN_H_
