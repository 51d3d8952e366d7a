#include "models/softquickfcn.h"

#include <torch/nn/modules/container/modulelist.h>
#include <torch/ordered_dict.h>
#include <torch/utils.h>

#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace nerve_mtl::models {
namespace {

using NamedTensors = torch::OrderedDict<std::string, torch::Tensor>;

std::string Shape(const torch::Tensor& t) {
  return absl::StrCat("[", absl::StrJoin(t.sizes(), ", "), "]");
}

// Same names, same shapes; `what` is "parameter" or "buffer".
absl::Status CheckSameLayout(const NamedTensors& from, const NamedTensors& to, const char* what) {
  for (const auto& item : to) {
    const torch::Tensor* source = from.find(item.key());
    if (source == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " '", item.key(), "' is missing from the pretrained model"));
    }
    if (!source->sizes().equals(item.value().sizes())) {
      return absl::InvalidArgumentError(absl::StrCat(what, " '", item.key(), "' has shape ",
                                                     Shape(*source), " in the pretrained model, ",
                                                     Shape(item.value()), " in the branch"));
    }
  }
  for (const auto& item : from) {
    if (to.find(item.key()) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("the pretrained model has an extra ", what, " '", item.key(), "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLoadable(const torch::nn::Module& from, const torch::nn::Module& to,
                           const char* branch) {
  absl::Status s = CheckSameLayout(from.named_parameters(), to.named_parameters(), "parameter");
  if (s.ok()) s = CheckSameLayout(from.named_buffers(), to.named_buffers(), "buffer");
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrCat(branch, " branch: ", s.message()));
}

void Copy(const torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const NamedTensors from_parameters = from.named_parameters();
  for (auto& item : to.named_parameters()) item.value().copy_(from_parameters[item.key()]);
  const NamedTensors from_buffers = from.named_buffers();
  for (auto& item : to.named_buffers()) item.value().copy_(from_buffers[item.key()]);
}

}  // namespace

SoftQuickFcnImpl::SoftQuickFcnImpl(const ModelSpec& spec) : spec_(spec) { reset(); }

void SoftQuickFcnImpl::reset() {
  segmentation_ = register_module("segmentation", QuickNat(SegmentationBranchSpec(spec_)));
  classification_ =
      register_module("classification", QuickClassifier(ClassificationBranchSpec(spec_)));
  torch::nn::ModuleList list;
  units_.clear();
  for (int i = 0; i <= spec_.depth(); ++i) {
    units_.push_back(CrossStitchUnit(CrossStitchUnitOptions(spec_.filters())
                                         .init(spec_.cross_stitch_init())
                                         .self_weight(spec_.cross_stitch_self_weight())));
    list->push_back(units_.back());
  }
  register_module("cross_stitch", list);
}

ModelOutput SoftQuickFcnImpl::forward(const torch::Tensor& images) {
  const Encoder seg_encoder = segmentation_->encoder();
  const Encoder cls_encoder = classification_->encoder();
  const int64_t depth = spec_.depth();
  std::vector<torch::Tensor> features, indices;
  torch::Tensor x_s = images;
  torch::Tensor x_c = images;
  for (int64_t i = 0; i < depth; ++i) {
    EncoderBlockOutput s = seg_encoder->block(i)(x_s);
    EncoderBlockOutput c = cls_encoder->block(i)(x_c);
    features.push_back(s.features);
    indices.push_back(s.indices);
    std::tie(x_s, x_c) = units_[i](s.pooled, c.pooled);
  }
  std::tie(x_s, x_c) =
      units_[depth](seg_encoder->bottleneck()(x_s), cls_encoder->bottleneck()(x_c));
  ModelOutput out;
  out.segmentation =
      segmentation_->segmentation_head()(segmentation_->decoder()(x_s, features, indices));
  out.classification = classification_->classification_head()(x_c);
  return out;
}

std::vector<torch::Tensor> SoftQuickFcnImpl::shared_parameters() {
  std::vector<torch::Tensor> shared = segmentation_->encoder()->parameters();
  for (const torch::Tensor& p : classification_->encoder()->parameters()) shared.push_back(p);
  for (size_t i = 0; i + 1 < units_.size(); ++i) {
    for (const torch::Tensor& p : units_[i]->parameters()) shared.push_back(p);
  }
  return shared;
}

torch::Tensor SoftQuickFcnImpl::last_shared_weight() {
  return segmentation_->encoder()->bottleneck()->conv3()->weight;
}

std::vector<ParameterGroup> SoftQuickFcnImpl::parameter_groups() {
  ParameterGroup group;
  group.name = "cross_stitch";
  group.parameters = alphas();
  group.learning_rate = spec_.cross_stitch_learning_rate();
  return {group};
}

std::vector<std::pair<std::string, double>> SoftQuickFcnImpl::diagnostics() {
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < units_.size(); ++i) {
    const CrossStitchUnit& u = units_[i];
    const std::pair<const char*, torch::Tensor> named[] = {
        {"ss", u->alpha_ss()}, {"sc", u->alpha_sc()}, {"cs", u->alpha_cs()}, {"cc", u->alpha_cc()}};
    for (const auto& [suffix, alpha] : named) {
      out.emplace_back(absl::StrCat("cross_stitch/", i, "/", suffix),
                       alpha.detach().mean().item<double>());
    }
  }
  return out;
}

std::vector<ModelSpec> SoftQuickFcnImpl::pretraining_specs() const {
  return {SegmentationBranchSpec(spec_), ClassificationBranchSpec(spec_)};
}

absl::Status SoftQuickFcnImpl::LoadPretrained(
    const std::vector<std::shared_ptr<MultitaskModelImpl>>& pretrained) {
  if (pretrained.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("softquickfcn: expected 2 pretrained models (quicknat, quickclassifier), got ",
                     pretrained.size()));
  }
  auto seg = std::dynamic_pointer_cast<QuickNatImpl>(pretrained[0]);
  auto cls = std::dynamic_pointer_cast<QuickClassifierImpl>(pretrained[1]);
  if (seg == nullptr || cls == nullptr) {
    return absl::InvalidArgumentError(
        "softquickfcn: pretrained models must be a quicknat and a quickclassifier, in that order");
  }
  return LoadBranches(*this, *seg, *cls);
}

std::vector<torch::Tensor> SoftQuickFcnImpl::alphas() const {
  std::vector<torch::Tensor> out;
  for (const CrossStitchUnit& u : units_) {
    out.insert(out.end(), {u->alpha_ss(), u->alpha_sc(), u->alpha_cs(), u->alpha_cc()});
  }
  return out;
}

absl::Status ValidateSoftQuickFcnSpec(const ModelSpec& spec) {
  if (absl::Status s = ValidateEncoderSpec(spec, /*needs_divisible_size=*/true); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSegmentationSpec(spec); !s.ok()) return s;
  if (absl::Status s = ValidateClassificationHeadSpec(spec); !s.ok()) return s;
  if (spec.cross_stitch_init() != CROSS_STITCH_FIXED &&
      spec.cross_stitch_init() != CROSS_STITCH_UNIFORM) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.cross_stitch_init: must be CROSS_STITCH_FIXED or CROSS_STITCH_UNIFORM, got ",
        CrossStitchInit_Name(spec.cross_stitch_init())));
  }
  if (!(spec.cross_stitch_self_weight() >= 0.0 && spec.cross_stitch_self_weight() <= 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.cross_stitch_self_weight: must be in [0, 1], got ",
                     spec.cross_stitch_self_weight()));
  }
  if (spec.cross_stitch_init() == CROSS_STITCH_UNIFORM) {
    if (absl::Status s = RefuseIgnoredOptions(
            spec, {"cross_stitch_self_weight"},
            "CROSS_STITCH_FIXED's weight, but cross_stitch_init CROSS_STITCH_UNIFORM draws them");
        !s.ok()) {
      return s;
    }
  }
  if (!(spec.cross_stitch_learning_rate() > 0.0) ||
      !std::isfinite(spec.cross_stitch_learning_rate())) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.cross_stitch_learning_rate: must be finite and > 0, got ",
                     spec.cross_stitch_learning_rate()));
  }
  return absl::OkStatus();
}

ModelSpec SegmentationBranchSpec(const ModelSpec& spec) {
  ModelSpec branch = spec;
  branch.set_name("quicknat");
  branch.clear_classification_classes();
  branch.clear_head();
  branch.clear_head_hidden();
  branch.clear_resnet_width();
  branch.clear_cross_stitch_init();
  branch.clear_cross_stitch_self_weight();
  branch.clear_cross_stitch_learning_rate();
  return branch;
}

ModelSpec ClassificationBranchSpec(const ModelSpec& spec) {
  ModelSpec branch = spec;
  branch.set_name("quickclassifier");
  branch.clear_segmentation_classes();
  branch.clear_resnet_width();
  branch.clear_cross_stitch_init();
  branch.clear_cross_stitch_self_weight();
  branch.clear_cross_stitch_learning_rate();
  return branch;
}

absl::Status LoadBranches(SoftQuickFcnImpl& model, QuickNatImpl& pretrained_seg,
                          QuickClassifierImpl& pretrained_cls) {
  QuickNat seg = model.segmentation_branch();
  QuickClassifier cls = model.classification_branch();
  if (absl::Status s = CheckLoadable(pretrained_seg, *seg, "segmentation"); !s.ok()) return s;
  if (absl::Status s = CheckLoadable(pretrained_cls, *cls, "classification"); !s.ok()) return s;
  Copy(pretrained_seg, *seg);
  Copy(pretrained_cls, *cls);
  return absl::OkStatus();
}

namespace {

const bool kRegistered = RegisterModel(
    "softquickfcn", {.segments = true, .classifies = true, .cross_stitch = true, .pretrains = true},
    [](const ModelSpec& spec) -> absl::StatusOr<std::shared_ptr<MultitaskModelImpl>> {
      return std::make_shared<SoftQuickFcnImpl>(spec);
    },
    ValidateSoftQuickFcnSpec);

}  // namespace
}  // namespace nerve_mtl::models
