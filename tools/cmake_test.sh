#!/usr/bin/env bash
# nerve-mtl's second build: configure with CMake, build everything and run its tests with ctest.
# CI runs it after `bazel test //...`; on a GPU host tools/gpu_check.sh builds the same way.
# Usage: tools/cmake_test.sh [BUILD_DIR [CMAKE_ARGS...]]   (BUILD_DIR defaults to build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
shift $(($# > 0 ? 1 : 0))
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A fresh clone (as CI makes) starts a cold build tree; ccache keeps compiled objects across clones.
command -v ccache >/dev/null && generator+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
jobs=$(nproc)
cmake -S "$root" -B "$build" "${generator[@]}" "$@"
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" -j "$jobs" --output-on-failure
