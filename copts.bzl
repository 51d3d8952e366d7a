"""Compiler flags for nerve-mtl's own targets, defined once."""

NERVE_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]

# For code whose floating-point results must be byte-identical on every machine (the phantom):
# no contraction into fused multiply-adds, which GCC does by default where FMA exists.
NERVE_DETERMINISTIC_FP_COPTS = NERVE_COPTS + ["-ffp-contract=off"]
