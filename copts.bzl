"""Compiler flags for nerve-mtl's own targets, defined once."""

NERVE_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]

# For code whose floating-point results must be byte-identical on every machine (the phantom):
# no contraction into fused multiply-adds, which GCC does by default where FMA exists.
NERVE_DETERMINISTIC_FP_COPTS = NERVE_COPTS + ["-ffp-contract=off"]

# For hand-written AVX2 + FMA elementwise kernels (optim/), which callers choose at run time by
# CPU feature: optimised in every compilation mode (LibTorch's own kernels always are, and
# fastbuild's -O0 would make ours the slow part), computing exactly the roundings written, since
# they must match LibTorch's bit for bit.
NERVE_AVX2_KERNEL_COPTS = NERVE_COPTS + ["-O3", "-ffp-contract=off", "-mavx2", "-mfma"]
