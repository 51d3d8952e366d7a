#include "optim/adam.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <memory>
#include <utility>
#include <vector>

namespace nerve_mtl::optim {
namespace {

// Two groups of parameters of several shapes, with identical copies for a reference optimiser.
struct Params {
  std::vector<at::Tensor> a, b;
};

Params MakeParams() {
  at::manual_seed(11);
  Params p;
  for (const auto& shape : std::vector<std::vector<int64_t>>{{4, 3, 5, 5}, {4}, {7, 3}}) {
    p.a.push_back(at::randn(shape).requires_grad_(true));
  }
  p.b.push_back(at::randn({6}).requires_grad_(true));
  return p;
}

Params Copy(const Params& p) {
  Params c;
  for (const at::Tensor& t : p.a) c.a.push_back(t.detach().clone().requires_grad_(true));
  for (const at::Tensor& t : p.b) c.b.push_back(t.detach().clone().requires_grad_(true));
  return c;
}

template <typename Adam>
std::unique_ptr<Adam> Make(const Params& p, bool amsgrad) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  auto first = std::make_unique<torch::optim::AdamOptions>(1e-2);
  first->weight_decay(1e-3).amsgrad(amsgrad);
  groups.emplace_back(p.a, std::move(first));
  auto second = std::make_unique<torch::optim::AdamOptions>(3e-2);
  second->amsgrad(amsgrad);
  groups.emplace_back(p.b, std::move(second));
  return std::make_unique<Adam>(std::move(groups), torch::optim::AdamOptions(1e-2));
}

// A loss whose gradients differ step to step; parameter `skip` gets no gradient on step 1, so
// the parameters' step counts come apart.
void Backward(const Params& p, int step, size_t skip) {
  at::Tensor loss = at::zeros({});
  for (size_t i = 0; i < p.a.size(); ++i) {
    if (step == 1 && i == skip) continue;
    loss = loss + (p.a[i] * p.a[i]).sum() * (step + 1) + p.a[i].sin().sum();
  }
  for (const at::Tensor& t : p.b) loss = loss + (t - step).pow(2).sum();
  loss.backward();
}

void ExpectIdentical(const std::vector<at::Tensor>& x, const std::vector<at::Tensor>& y) {
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_TRUE(at::equal(x[i], y[i])) << "parameter " << i;
}

class MultiTensorAdamTest : public ::testing::TestWithParam<bool> {};

TEST_P(MultiTensorAdamTest, BitIdenticalToLibTorchAdamOnTheCpu) {
  const bool amsgrad = GetParam();
  const Params ours = MakeParams(), theirs = Copy(ours);
  auto multi = Make<MultiTensorAdam>(ours, amsgrad);
  auto reference = Make<torch::optim::Adam>(theirs, amsgrad);
  for (int step = 0; step < 5; ++step) {
    multi->zero_grad();
    reference->zero_grad();
    Backward(ours, step, /*skip=*/1);
    Backward(theirs, step, /*skip=*/1);
    multi->step();
    reference->step();
    ExpectIdentical(ours.a, theirs.a);
    ExpectIdentical(ours.b, theirs.b);
  }
  // The state is LibTorch's: a checkpoint of one loads into the other and both go on alike.
  torch::serialize::OutputArchive out;
  multi->save(out);
  std::ostringstream bytes;
  out.save_to(bytes);
  const Params copy = Copy(ours);
  auto loaded = Make<torch::optim::Adam>(copy, amsgrad);
  torch::serialize::InputArchive in;
  std::istringstream read(bytes.str());
  in.load_from(read);
  loaded->load(in);
  multi->zero_grad();
  loaded->zero_grad();
  Backward(ours, 5, 1);
  Backward(copy, 5, 1);
  multi->step();
  loaded->step();
  ExpectIdentical(ours.a, copy.a);
}

// Capturable mode: the same trajectory to float rounding (its bias corrections are float32
// tensors), learning-rate changes included, and no checkpoint of the device-side step count.
TEST_P(MultiTensorAdamTest, CapturableFollowsLibTorchAdam) {
  const bool amsgrad = GetParam();
  const Params ours = MakeParams(), theirs = Copy(ours);
  auto capturable = Make<MultiTensorAdam>(ours, amsgrad);
  capturable->MakeCapturable();
  auto reference = Make<torch::optim::Adam>(theirs, amsgrad);
  for (int step = 0; step < 6; ++step) {
    if (step == 3) {
      for (auto* optimizer : {static_cast<torch::optim::Optimizer*>(capturable.get()),
                              static_cast<torch::optim::Optimizer*>(reference.get())}) {
        static_cast<torch::optim::AdamOptions&>(optimizer->param_groups()[0].options()).lr(5e-3);
      }
      capturable->SyncLearningRates();
    }
    capturable->zero_grad();
    reference->zero_grad();
    Backward(ours, step, /*skip=*/99);
    Backward(theirs, step, /*skip=*/99);
    capturable->step();
    reference->step();
    for (size_t i = 0; i < ours.a.size(); ++i) {
      EXPECT_TRUE(at::allclose(ours.a[i], theirs.a[i], 1e-5, 1e-6))
          << "step " << step << " parameter " << i;
      EXPECT_FALSE(at::equal(ours.a[i], MakeParams().a[i])) << "parameter " << i << " never moved";
    }
    for (size_t i = 0; i < ours.b.size(); ++i) {
      EXPECT_TRUE(at::allclose(ours.b[i], theirs.b[i], 1e-5, 1e-6)) << "step " << step;
    }
  }
  torch::serialize::OutputArchive out;
  EXPECT_THROW(capturable->save(out), c10::Error);
}

INSTANTIATE_TEST_SUITE_P(Amsgrad, MultiTensorAdamTest, ::testing::Bool());

}  // namespace
}  // namespace nerve_mtl::optim
