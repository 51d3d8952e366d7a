#!/usr/bin/python3
"""PyTorch side of the benchmark: the same measurements as //models:models_benchmark.

For each network of reference_models.py with every default (64 filters, 5x5, depth 4,
global-average-pool head, ResNet width 64), --batch single-channel images of each size:
  forward  eval mode under torch.no_grad()
  train    train mode, forward, loss = cross_entropy(segmentation logits, masks)
           + cross_entropy(classification logits, labels) (each where the network has it),
           backward, Adam(lr 1e-4) step
Three untimed warm-up calls, then calls until at least --min-time seconds have passed; on a GPU
each call ends with a synchronize. Prints one line per case,
"MODEL SIZE MODE VARIANT IMAGES_PER_S STEPS SECONDS PEAK_GPU_BYTES" (peak -1 on the CPU).
Debian's python3-torch is importable by /usr/bin/python3 only:
    /usr/bin/python3 tests/reference/bench_models.py --threads=2 --models=quickfcn --sizes=64
tools/bench_models.sh runs it side by side with the C++ benchmark on the CPU; on a GPU host
tools/gpu_check.sh runs, e.g.,
    python3 tests/reference/bench_models.py --device=cuda --batch=16 --sizes=128,256 \
        --models=quickfcn --modes=train --precision=bf16 --channels-last --compile
"""
import argparse
import os
import time

import torch
from torch.nn import functional as F

import reference_models as rm

MODELS = {
    "quicknat": lambda size, c: rm.QuickNat(**c["encoder"]),
    "resultnet": lambda size, c: rm.ResNet18(in_channels=1, width=c["resnet_width"], classes=3),
    "quickfcn": lambda size, c: rm.QuickFcn(height=size, width=size, **c["encoder"]),
    "softquickfcn": lambda size, c: rm.SoftQuickFcn(height=size, width=size, **c["encoder"]),
}

# The networks' sizes: every ModelSpec default, or the default study's model block
# (study/studies/default.textproto), where per-step overhead weighs more. models_benchmark.cc's
# --config has the same two.
CONFIGS = {
    "default": {"encoder": {}, "resnet_width": 64},
    "study": {"encoder": {"filters": 16, "kernel_size": 3, "depth": 3, "dropout": 0.1},
              "resnet_width": 16},
}


def timed(step, args):
    """Images/s, steps, seconds and peak GPU bytes of calling step() until args.min_time has
    passed, after three untimed warm-up calls (compilation, autotuning, Adam's state)."""
    cuda = args.device.startswith("cuda")
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    for _ in range(3):
        step()
    sync()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    steps = 0
    start = time.perf_counter()
    while True:
        step()
        sync()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.min_time:
            peak = torch.cuda.max_memory_allocated() if cuda else -1
            return steps * args.batch / elapsed, steps, elapsed, peak


def bench(name, size, mode, args):
    torch.manual_seed(0)
    device = torch.device(args.device)
    layout = torch.channels_last if args.channels_last else torch.contiguous_format
    model = MODELS[name](size, CONFIGS[args.config]).to(device=device, memory_format=layout)
    images = torch.randn(args.batch, 1, size, size).to(device=device, memory_format=layout)
    masks = torch.randint(2, (args.batch, size, size), dtype=torch.long).to(device)
    labels = torch.randint(3, (args.batch,), dtype=torch.long).to(device)
    autocast = lambda: torch.autocast(device.type, dtype=torch.bfloat16,
                                      enabled=args.precision == "bf16")
    forward = lambda x: rm.outputs(model, x)
    if args.compile:
        forward = torch.compile(forward)
    if mode == "forward":
        model.eval()

        def step():
            with torch.no_grad(), autocast():
                return forward(images)
    else:
        model.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

        def step():
            optimizer.zero_grad()
            with autocast():
                segmentation, classification = forward(images)
            loss = torch.zeros((), device=device)
            if segmentation is not None:
                loss = loss + F.cross_entropy(segmentation.float(), masks)
            if classification is not None:
                loss = loss + F.cross_entropy(classification.float(), labels)
            loss.backward()
            optimizer.step()
            return loss
    result = timed(step, args)
    if args.profile:
        profile(step, args, "%s_%d_%s" % (name, size, mode))
    return result


def profile(step, args, case):
    """Writes the profiler's table of the operators and kernels of five steps to
    args.profile/CASE_VARIANT.txt, sorted by time on the device (the CPU without a GPU)."""
    from torch.profiler import ProfilerActivity
    cuda = args.device.startswith("cuda")
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    with torch.profiler.profile(activities=activities) as prof:
        for _ in range(5):
            step()
        if cuda:
            torch.cuda.synchronize()
    table = None
    for key in (["self_device_time_total", "self_cuda_time_total"] if cuda else
                ["self_cpu_time_total"]):
        try:
            table = prof.key_averages().table(sort_by=key, row_limit=40)
            break
        except (AttributeError, KeyError, ValueError):
            continue
    os.makedirs(args.profile, exist_ok=True)
    with open(os.path.join(args.profile, "%s_%s.txt" % (case, variant_name(args))), "w") as f:
        f.write(table or "profiler table unavailable\n")


def variant_name(args):
    return "-".join([args.device.split(":")[0], args.precision]
                    + (["channels_last"] if args.channels_last else [])
                    + (["compile"] if args.compile else []))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--sizes", default="64,128")
    parser.add_argument("--modes", default="forward,train")
    parser.add_argument("--min-time", type=float, default=2.0, help="seconds per case")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="default",
                        help="network sizes: every default, or the default study's")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                        help="bf16: the forward pass under torch.autocast")
    parser.add_argument("--channels-last", action="store_true",
                        help="channels_last weights and images")
    parser.add_argument("--compile", action="store_true", help="torch.compile the forward pass")
    parser.add_argument("--profile", metavar="DIR",
                        help="also write the profiler's table of five steps of each case to DIR")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.device.startswith("cuda"):
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    variant = variant_name(args)
    print("# torch %s, %d threads, batch %d, %s" % (torch.__version__, torch.get_num_threads(),
                                                   args.batch, variant))
    print("# model size mode variant images_per_s steps seconds peak_gpu_bytes")
    for name in args.models.split(","):
        for size in [int(s) for s in args.sizes.split(",")]:
            for mode in args.modes.split(","):
                rate, steps, seconds, peak = bench(name, size, mode, args)
                print("%s %d %s %s %.3f %d %.2f %d" % (name, size, mode, variant, rate, steps,
                                                       seconds, peak), flush=True)


if __name__ == "__main__":
    main()
