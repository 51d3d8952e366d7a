#!/usr/bin/python3
"""PyTorch side of the CPU benchmark: the same measurements as //models:models_benchmark.

For each network of reference_models.py with every default (64 filters, 5x5, depth 4,
global-average-pool head, ResNet width 64), batch 4 single-channel images of each size:
  forward  eval mode under torch.no_grad()
  train    train mode, forward, loss = cross_entropy(segmentation logits, masks)
           + cross_entropy(classification logits, labels) (each where the network has it),
           backward, Adam(lr 1e-4) step
One untimed warm-up call, then calls until at least --min-time seconds have passed.
Prints one line per case, "MODEL SIZE MODE IMAGES_PER_S ...". Debian's python3-torch is
importable by /usr/bin/python3 only:
    /usr/bin/python3 tests/reference/bench_models.py --threads=2 --models=quickfcn --sizes=64
tools/bench_models.sh runs it side by side with the C++ benchmark.
"""
import argparse
import time

import torch
from torch.nn import functional as F

import reference_models as rm

BATCH = 4
MODELS = {
    "quicknat": lambda size: rm.QuickNat(),
    "resultnet": lambda size: rm.ResNet18(in_channels=1, width=64, classes=3),
    "quickfcn": lambda size: rm.QuickFcn(height=size, width=size),
    "softquickfcn": lambda size: rm.SoftQuickFcn(height=size, width=size),
}


def timed(step, min_time):
    """Images/s, steps and seconds of calling step() until min_time has passed, after one
    untimed warm-up call."""
    step()
    steps = 0
    start = time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return steps * BATCH / elapsed, steps, elapsed


def bench(name, size, mode, min_time):
    torch.manual_seed(0)
    model = MODELS[name](size)
    images = torch.randn(BATCH, 1, size, size)
    masks = torch.randint(2, (BATCH, size, size), dtype=torch.long)
    labels = torch.randint(3, (BATCH,), dtype=torch.long)
    if mode == "forward":
        model.eval()

        def step():
            with torch.no_grad():
                return rm.outputs(model, images)
    else:
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

        def step():
            optimizer.zero_grad()
            segmentation, classification = rm.outputs(model, images)
            loss = torch.zeros(())
            if segmentation is not None:
                loss = loss + F.cross_entropy(segmentation, masks)
            if classification is not None:
                loss = loss + F.cross_entropy(classification, labels)
            loss.backward()
            optimizer.step()
            return loss
    return timed(step, min_time)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--sizes", default="64,128")
    parser.add_argument("--modes", default="forward,train")
    parser.add_argument("--min-time", type=float, default=2.0, help="seconds per case")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print("# torch %s, %d threads, batch %d" % (torch.__version__, torch.get_num_threads(), BATCH))
    print("# model size mode images_per_s steps seconds")
    for name in args.models.split(","):
        for size in [int(s) for s in args.sizes.split(",")]:
            for mode in args.modes.split(","):
                rate, steps, seconds = bench(name, size, mode, args.min_time)
                print("%s %d %s %.3f %d %.2f" % (name, size, mode, rate, steps, seconds),
                      flush=True)


if __name__ == "__main__":
    main()
