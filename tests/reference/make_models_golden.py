#!/usr/bin/python3
"""Writes OUT_DIR/models_golden.pt for models_reference_check.cc.

The PyTorch networks of reference_models.py get random weights, batch-norm statistics, PReLU
slopes and cross-stitch alphas, and run in eval mode on a fixed input. For each case
"<prefix>" the file holds
    <prefix>.state.<C++ name>   every parameter and buffer, under the C++ module's name
    <prefix>.input              the input batch
    <prefix>.segmentation       segmentation logits (networks that segment)
    <prefix>.classification     classification logits (networks that classify)
    <prefix>.parameters         the parameter count, a 0-d int64 tensor
The C++ check loads the weights by name and must reproduce the outputs and the count.

Run by //tests/reference:models_reference_test at test time, so the file is never stale and is
not committed. By hand (Debian's python3-torch is importable by /usr/bin/python3 only):
    /usr/bin/python3 tests/reference/make_models_golden.py /tmp/golden
"""
import os
import sys

import torch
from torch import nn

import reference_models as rm


def randomize(module):
    """Weights as initialised, plus batch-norm statistics and affines away from identity,
    PReLU slopes away from 0.25, and four independent cross-stitch alphas per channel (not
    summing to 1), so that a swapped or misplaced alpha shows."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
                m.num_batches_tracked.fill_(7)
            if isinstance(m, nn.PReLU):
                m.weight.uniform_(0.1, 0.4)
            if isinstance(m, rm.CrossStitchUnit):
                m.alpha_ss.uniform_(0.5, 0.95)
                m.alpha_sc.uniform_(0.05, 0.5)
                m.alpha_cs.uniform_(0.05, 0.5)
                m.alpha_cc.uniform_(0.5, 0.95)
    return module.eval()


def add_case(golden, prefix, model, x, rename=None):
    randomize(model)
    rename = rename or model.cpp_name
    for key, value in model.state_dict().items():
        golden["%s.state.%s" % (prefix, rename(key))] = value.clone()
    golden[prefix + ".input"] = x
    with torch.no_grad():
        segmentation, classification = rm.outputs(model, x)
    if segmentation is not None:
        golden[prefix + ".segmentation"] = segmentation
    if classification is not None:
        golden[prefix + ".classification"] = classification
    golden[prefix + ".parameters"] = torch.tensor(rm.count_parameters(model), dtype=torch.int64)
    print("%-18s parameters %9d" % (prefix, rm.count_parameters(model)))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_models_golden.py OUT_DIR")
    torch.manual_seed(0)
    golden = {}

    # The C++ specs of these cases are in models_reference_check.cc.
    add_case(golden, "quicknat", rm.QuickNat(in_channels=1, filters=8, kernel_size=3, depth=4),
             torch.randn(2, 1, 32, 32))
    # Every default (64 filters, 5x5, depth 4) at a small input.
    add_case(golden, "quicknat_default", rm.QuickNat(), torch.randn(1, 1, 16, 16))
    add_case(golden, "quickfcn_flatten",
             rm.QuickFcn(in_channels=1, filters=8, kernel_size=3, depth=4, flatten=True,
                         hidden=25, height=32, width=32),
             torch.randn(2, 1, 32, 32))
    add_case(golden, "quickfcn_gap",
             rm.QuickFcn(in_channels=2, filters=8, kernel_size=3, depth=3, csse=True),
             torch.randn(2, 2, 24, 40))
    # Odd sizes: pooling floors, which a global-average-pool classifier allows.
    add_case(golden, "quickclassifier",
             rm.QuickClassifier(in_channels=1, filters=8, kernel_size=3, depth=3),
             torch.randn(2, 1, 36, 28))
    add_case(golden, "softquickfcn",
             rm.SoftQuickFcn(in_channels=1, filters=8, kernel_size=3, depth=4, flatten=True,
                             hidden=25, height=32, width=32),
             torch.randn(2, 1, 32, 32))
    add_case(golden, "resnet", rm.ResNet18(in_channels=2, width=2, classes=3),
             torch.randn(2, 2, 40, 24))

    # One encoder block with squeeze-excitation, on its own.
    block = randomize(rm.EncoderBlock(in_channels=3, filters=4, kernel_size=3, csse=True))
    x = torch.randn(2, 3, 16, 16)
    for key, value in block.state_dict().items():
        golden["csse_block.state.dense." + rm.dense_name(key)] = value.clone()
    with torch.no_grad():
        pooled, features, indices = block(x)
    golden["csse_block.input"] = x
    golden["csse_block.pooled"] = pooled
    golden["csse_block.features"] = features
    golden["csse_block.indices"] = indices

    os.makedirs(sys.argv[1], exist_ok=True)
    out = os.path.join(sys.argv[1], "models_golden.pt")
    torch.save(golden, out)
    print("wrote %s (%d tensors)" % (out, len(golden)))


if __name__ == "__main__":
    main()
