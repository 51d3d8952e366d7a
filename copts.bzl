"""Compiler flags for nerve-mtl's own targets, defined once."""

NERVE_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]

# For code whose floating-point results must be byte-identical on every machine (the phantom,
# the metrics): no contraction into fused multiply-adds, which GCC does by default where FMA
# exists. Optimised in every compilation mode: tests build and score the paper profile's 1200
# phantom images, minutes of CI at fastbuild's -O0 (a paper --dry_run: 91 s, now 19 s). -O2
# without contraction or -ffast-math keeps every rounding: the phantom's golden checksums and
# the committed tables hold in both builds, and the CMake build is -O3 already.
NERVE_DETERMINISTIC_FP_COPTS = NERVE_COPTS + ["-O2", "-ffp-contract=off"]

# For hand-written elementwise kernels at the baseline instruction set (models/prelu.cc): optimised
# in every compilation mode, so the compiler vectorises them as LibTorch's own kernels are,
# computing exactly the roundings written.
NERVE_ELEMENTWISE_KERNEL_COPTS = NERVE_COPTS + ["-O3", "-ffp-contract=off"]

# For hand-written AVX2 + FMA elementwise kernels (optim/), which callers choose at run time by
# CPU feature: optimised in every compilation mode (LibTorch's own kernels always are, and
# fastbuild's -O0 would make ours the slow part), computing exactly the roundings written, since
# they must match LibTorch's bit for bit.
NERVE_AVX2_KERNEL_COPTS = NERVE_COPTS + ["-O3", "-ffp-contract=off", "-mavx2", "-mfma"]
