"""Compiler flags for nerve-mtl's own targets, defined once."""

NERVE_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]
