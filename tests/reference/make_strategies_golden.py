#!/usr/bin/python3
"""Writes OUT_DIR/strategies_golden.pt for strategies_reference_check.cc.

For each case "<case>" (random gradient pairs of many scales and angles, and the degenerate
ones: equal, parallel, nearly parallel, opposite, nearly opposite, a zero gradient) the file
holds
    <case>.g1, <case>.g2, <case>.losses     the task gradients and losses
    <case>.<method>.direction               the reference's update d over the shared parameters
    <case>.<method>.weights                 the weights of g1 and g2 in d, where the method has
                                            them
with methods mgda_none, mgda_l2, mgda_loss, mgda_loss_plus, cagrad_040, cagrad_050, cagrad_100
(c = 0.4, 0.5, 1.0), nash_mtl and imtl_g, each left out where its general formulation has no
solution (Nash-MTL for opposite or zero gradients, IMTL-G for parallel or zero ones; the unit
tests in losses/ cover what the C++ code does there). rlw.seed and rlw.weights hold the first
steps' weights of RlwStrategy for a seed.

Run by //tests/reference:strategies_reference_test at test time, so the file is never stale
and is not committed. By hand (Debian's python3-torch is importable by /usr/bin/python3 only):
    /usr/bin/python3 tests/reference/make_strategies_golden.py /tmp/golden
"""
import math
import os
import sys

import torch

import reference_strategies as rs

DIMENSION = 40


def cases():
    gen = torch.Generator().manual_seed(0)
    out = {}
    for i in range(24):
        g1 = torch.randn(DIMENSION, generator=gen, dtype=torch.float64)
        g2 = torch.randn(DIMENSION, generator=gen, dtype=torch.float64)
        # Norm ratios from 1e-3 to 1e3 and overall scales from 1e-4 to 1e2, as gradients have.
        g2 *= 10.0 ** (6 * torch.rand(1, generator=gen, dtype=torch.float64).item() - 3)
        scale = 10.0 ** (6 * torch.rand(1, generator=gen, dtype=torch.float64).item() - 4)
        losses = 0.1 + 3 * torch.rand(2, generator=gen, dtype=torch.float64)
        out["random%02d" % i] = (g1 * scale, g2 * scale, losses)
    g = torch.randn(DIMENSION, generator=gen, dtype=torch.float64)
    e = torch.randn(DIMENSION, generator=gen, dtype=torch.float64)
    e -= e.dot(g) / g.dot(g) * g
    e *= g.norm() / e.norm()  # e orthogonal to g, of the same norm
    losses = torch.tensor([0.7, 1.9], dtype=torch.float64)
    out["equal"] = (g, g.clone(), losses)
    out["parallel"] = (g, 3 * g, losses)
    out["nearly_parallel"] = (g, 3 * (g + 1e-4 * e), losses)
    out["orthogonal"] = (g, 0.5 * e, losses)
    out["opposite"] = (g, -g, losses)
    out["opposite_unequal"] = (g, -2 * g, losses)
    out["nearly_opposite"] = (g, -2 * (g + 1e-2 * e), losses)
    out["zero_first"] = (torch.zeros(DIMENSION, dtype=torch.float64), g, losses)
    out["zero_second"] = (g, torch.zeros(DIMENSION, dtype=torch.float64), losses)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_strategies_golden.py OUT_DIR")
    golden = {}
    for name, (g1, g2, losses) in cases().items():
        golden[name + ".g1"] = g1
        golden[name + ".g2"] = g2
        golden[name + ".losses"] = losses

        def put(method, weights, direction):
            if weights is not None:
                golden["%s.%s.weights" % (name, method)] = torch.tensor(weights)
            golden["%s.%s.direction" % (name, method)] = direction

        for normalization, key in [("none", "none"), ("l2", "l2"), ("loss", "loss"),
                                   ("loss+", "loss_plus")]:
            put("mgda_" + key, *rs.mgda(g1, g2, losses.tolist(), normalization))
        for c, key in [(0.4, "040"), (0.5, "050"), (1.0, "100")]:
            _, direction = rs.cagrad(g1, g2, c)
            put("cagrad_" + key, None, direction)
        zero = g1.norm().item() == 0 or g2.norm().item() == 0
        cos = 0.0 if zero else (g1.dot(g2) / (g1.norm() * g2.norm())).item()
        if not zero and 1 + cos > 1e-9:
            put("nash_mtl", *rs.nash_mtl([g1, g2]))
        if not zero and 1 - cos > 1e-9:
            put("imtl_g", *rs.imtl_g([g1, g2]))
    golden["rlw.seed"] = torch.tensor(123456789, dtype=torch.int64)
    golden["rlw.weights"] = torch.tensor(rs.rlw_weights(123456789, 500))
    os.makedirs(sys.argv[1], exist_ok=True)
    torch.save(golden, os.path.join(sys.argv[1], "strategies_golden.pt"))
    print("%d tensors" % len(golden))


if __name__ == "__main__":
    main()
