#!/usr/bin/env bash
# The GPU measurements in one command, for a GPU host with a CUDA PyTorch, CMake and ninja
# (no Bazel needed):
#   tools/gpu_check.sh [DEBS_DIR]
# DEBS_DIR holds Debian packages of the other C++ libraries
# (tools/fetch_debs.sh DEBS_DIR, on a Debian 12 machine),
# for hosts that lack them; they are unpacked into a private prefix, nothing is installed.
#  1. builds the benchmark and the tests below with CMake against python3's LibTorch;
#  2. runs //common:compute_test and //study:trainer_test, the latter's loss-curve test again on
#     the GPU (bf16 and the fast mode against fp32, tolerances in trainer_test.cc);
#  3. times QuickFCN's train step (64 filters, 5x5, batch 16, Adam) at 128x128 and 256x256 in C++
#     (fp32 deterministic, fp32 fast, bf16 fast, bf16 fast captured in a CUDA graph; if that
#     part fails to compile it is left out and the rest measured) and in PyTorch (eager fp32, eager bf16 +
#     channels_last, and last torch.compile bf16 + channels_last, which takes minutes: COMPILE=0
#     leaves it out), one after the other on the same card;
#  4. runs the smoke study (all four networks, soft sharing's pretraining included) on the device;
#  5. profiles five PyTorch steps (eager bf16 + channels_last) per size: the kernels to work on;
#  6. writes summary.md (images/s, peak memory, fraction of the card's bf16 peak), steps.log and
#     raw.tar.gz (logs, benchmark JSON, profiles) to $OUT (the device tool's output folder, which
#     returns at most 8 files) or results/gpu/.
# DEVICE=cpu SIZES=32 BATCH=2 MIN_TIME=0.2 PYTHON=/usr/bin/python3 runs the same pipeline on a
# CPU in a minute, to check this script before spending GPU time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-"$root/results/gpu"}
device=${DEVICE:-cuda}
sizes=${SIZES:-128,256}
batch=${BATCH:-16}
min_time=${MIN_TIME:-2}  # PyTorch's seconds per case; the C++ side's MinTime is 2 s
python=${PYTHON:-python3}
build=${BUILD_DIR:-/tmp/nerve-mtl-build}
mkdir -p "$out"
raw=$(mktemp -d)
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$out/steps.log"; }
# Whatever happened, the raw outputs come back in one file.
trap 'tar -C "$raw" -czf "$out/raw.tar.gz" . 2>/dev/null || true' EXIT

cmake_args=(-G Ninja -DNERVE_MTL_WERROR=OFF
            -DCMAKE_PREFIX_PATH="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')")
if [[ $# -gt 0 ]]; then
  prefix=/tmp/nerve-mtl-deps
  for f in "$1"/*.deb; do dpkg -x "$f" "$prefix"; done
  cmake_args+=(-DNERVE_MTL_DEPS_PREFIX="$prefix/usr")
  export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export PATH="$prefix/usr/bin:$PATH"
fi
if [[ "$device" == cuda* ]]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$raw/gpu.txt"
else
  grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs | tee "$raw/gpu.txt"
fi

build_targets() {  # extra cmake args...
  cmake -S "$root" -B "$build" "${cmake_args[@]}" "$@" &&
    cmake --build "$build" -j "$(nproc)" --target models_models_benchmark common_compute_test \
      optim_adam_test study_trainer_test study_smoke -- -k 0  # every error in one log
}
log "configure and build (log: build.log)"
graphs=true
# ON explicitly: a build directory reused from a failed run has OFF in its cache.
if ! build_targets -DNERVE_MTL_CUDA_GRAPHS=ON >"$raw/build.log" 2>&1; then
  # The CUDA-graph benchmark is the one part no CPU build compiles: without it, measure the rest.
  log "build failed; again without the CUDA-graph benchmark (first log: build_graphs.log)"
  mv "$raw/build.log" "$raw/build_graphs.log"
  graphs=false
  if ! build_targets -DNERVE_MTL_CUDA_GRAPHS=OFF >"$raw/build.log" 2>&1; then
    tail -40 "$raw/build.log"
    exit 1
  fi
fi

log "tests (log: tests.log)"
tmp=$(mktemp -d)
status=0
# Each test binary runs whatever the one before did: a CPU failure must not hide the GPU result.
run_test() { TEST_TMPDIR="$tmp" "$@" >>"$raw/tests.log" 2>&1 || status=$?; }
run_test "$build/common/compute_test"
run_test "$build/optim/adam_test"
run_test "$build/study/trainer_test"
NERVE_MTL_TEST_DEVICE="$device" run_test "$build/study/trainer_test" --gtest_filter='*MixedPrecision*'
grep -E '^\[  (PASSED|FAILED) ' "$raw/tests.log" | tee -a "$out/steps.log" || true
[[ $status -eq 0 ]] || log "TESTS FAILED (exit $status), benchmarking anyway"

bench_cpp() {  # name, flags...
  local name=$1
  shift
  log "C++ $name"
  "$build/models/models_benchmark" --device="$device" --batch="$batch" --sizes="$sizes" \
    --models=quickfcn --benchmark_filter=BM_TrainStep/ "$@" \
    --benchmark_out="$raw/cpp_$name.json" --benchmark_out_format=json >>"$raw/bench.log" 2>&1 ||
    log "C++ $name FAILED (see bench.log)"
}
bench_py() {  # name, flags...
  local name=$1
  shift
  log "PyTorch $name"
  (cd "$root/tests/reference" &&
   "$python" bench_models.py --device="$device" --batch="$batch" --sizes="$sizes" \
     --models=quickfcn --modes=train --min-time="$min_time" "$@") >"$raw/py_$name.txt" 2>>"$raw/bench.log" ||
    log "PyTorch $name FAILED (see bench.log)"
}
bench_cpp fp32_deterministic --precision=fp32 --deterministic=true
bench_cpp fp32_fast --precision=fp32 --deterministic=false
bench_cpp bf16_fast --precision=bf16 --deterministic=false
if [[ "$graphs" == true && "$device" == cuda* ]]; then
  bench_cpp bf16_fast_graph --precision=bf16 --deterministic=false \
    --benchmark_filter=BM_TrainStepGraph/
fi
bench_py eager_fp32 --precision=fp32
bench_py eager_bf16_cl --precision=bf16 --channels-last
bench_py profile_bf16_cl --precision=bf16 --channels-last --min-time=0.5 --profile="$raw/profiles"

log "smoke study on $device (log: study.log)"
if (cd "$root" && "$build/study/smoke" --study=study/studies/smoke.textproto --device="$device" \
      --results="$raw/smoke" --plots=false --tensorboard=false) >"$raw/study.log" 2>&1; then
  grep -E "^(compute|study smoke|threshold|wrote)" "$raw/study.log" | tee -a "$out/steps.log" || true
else
  log "smoke study FAILED: $(tail -1 "$raw/study.log")"
fi
rm -rf "$raw/smoke/trials" "$raw/smoke/pretrained"  # weights; the tables stay in smoke/report

# Last, because it is the slowest part: on an H200, compiling took 5 of the 8 minutes (2026-12-01).
if [[ "${COMPILE:-1}" == 1 ]]; then
  bench_py compile_bf16_cl --precision=bf16 --channels-last --compile
fi

"$python" - "$raw" "$sizes" <<'PY' | tee "$out/summary.md"
import json, os, sys

out, sizes = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
GFLOP_256 = 362.0  # one 256x256 image, one train step (docs/DESIGN.md section 4); scales with pixels
PEAK_TFLOPS = 989.0  # H100/H200 SXM dense bf16, the spec sheet's figure


def cpp_cells(path):  # {size: (images/s, peak bytes)} from Google Benchmark's JSON
    cells = {}
    text = open(path).read()
    if not text.strip():  # the benchmark ran nothing (its reason is in bench.log)
        return cells
    for b in json.loads(text)["benchmarks"]:
        if "items_per_second" in b:  # else skipped with an error (in bench.log)
            size = int(b["name"].split("size:")[1].split("/")[0])
            cells[size] = (b["items_per_second"], b.get("peak_gpu_bytes", -1))
    return cells


def py_cells(path):  # the same from bench_models.py's lines
    fields = [l.split() for l in open(path) if l.strip() and not l.startswith("#")]
    return {int(f[1]): (float(f[4]), float(f[7])) for f in fields}


rows = []
for prefix, file, read, names in [
        ("C++", "cpp_%s.json", cpp_cells,
         ["fp32_deterministic", "fp32_fast", "bf16_fast", "bf16_fast_graph"]),
        ("PyTorch", "py_%s.txt", py_cells, ["eager_fp32", "eager_bf16_cl", "compile_bf16_cl"])]:
    for name in names:
        path = os.path.join(out, file % name)
        rows.append(("%s %s" % (prefix, name), read(path) if os.path.exists(path) else {}))
gpu = open(os.path.join(out, "gpu.txt")).read().strip()
print("QuickFCN train step (64 filters, 5x5, Adam), %s, images/s (higher is better);" % gpu)
print("peak = allocator peak over the timed steps; %% = share of %.0f TFLOP/s bf16 at %.0f GFLOP"
      " per 256x256 image\n" % (PEAK_TFLOPS, GFLOP_256))
print("| implementation | " + " | ".join("%dx%d img/s | peak GB | %% peak" % (s, s) for s in sizes) + " |")
print("|---|" + "---|---|---|" * len(sizes))
for name, cells in rows:
    parts = []
    for s in sizes:
        if s in cells:
            rate, peak = cells[s]
            tflops = rate * GFLOP_256 * (s / 256.0) ** 2 / 1000.0
            parts.append("%.1f | %s | %.1f" % (rate, "%.2f" % (peak / 1e9) if peak >= 0 else "-",
                                               100.0 * tflops / PEAK_TFLOPS))
        else:
            parts.append("- | - | -")
    print("| %s | %s |" % (name, " | ".join(parts)))
PY
exit $status
