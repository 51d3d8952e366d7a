#!/usr/bin/env bash
# Compiles and links the CUDA-only code on a machine without a GPU, so that its compile errors are
# found before a GPU is lent (issue 18, step 1). Runs inside the Debian 13 chroot:
#
#   tools/debian13_check.sh --run tools/cuda_compile_check.sh
#
# 1. Downloads Debian 13's libtorch-cuda-dev, libtorch-cuda-2.6 (contrib) and nvidia-cuda-dev
#    and libcudart12 (non-free), about 1.4 GB, into /var/cache/nerve-mtl-cuda (kept: the chroot is cached) and
#    unpacks them into /opt/nerve-mtl-cuda with dpkg -x. Not installed: libtorch-cuda-2.6 depends
#    on nvidia-cudnn, an installer that downloads cuDNN from NVIDIA and fails offline.
# 2. Compiles common/compute.cc, optim/adam.cc (capturable Adam) and models/models_benchmark.cc
#    (the CUDA-graph train step) with -DNERVE_MTL_WITH_CUDA=1 -DNERVE_MTL_WITH_CUDA_GRAPHS=1 and
#    the project's -Wall -Wextra -Werror against the CUDA LibTorch's headers.
# 3. Links models_benchmark from those objects and the CPU CMake build's libraries (BUILD_DIR,
#    default /src/build, built here if needed) against libtorch_cuda with
#    -Wl,--allow-shlib-undefined: cuDNN and the driver are absent, and it cannot run anyway.
# Not part of CI: the download and 4 GB unpacked are too large for every submission.
# Usage: tools/cuda_compile_check.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/src/build}
debs=/var/cache/nerve-mtl-cuda
prefix=/opt/nerve-mtl-cuda
log() { echo "[cuda_compile_check $(date -u +%H:%M:%S)] $*" >&2; }
trap 'log "ERROR: line $LINENO failed: $BASH_COMMAND"' ERR
[[ "$(. /etc/os-release && echo "${ID:-}:${VERSION_ID:-}")" == debian:13 ]] ||
  { log "needs Debian 13 (run it through tools/debian13_check.sh --run)"; exit 2; }
[[ $(id -u) -eq 0 ]] || { log "needs root (apt-get, /opt)"; exit 2; }

# libcudart12: nvidia-cuda-dev's libcudart.so points at it, and inline c10::cuda code calls it.
packages=(libtorch-cuda-dev libtorch-cuda-2.6 nvidia-cuda-dev libcudart12)
if [[ "$(cat "$prefix/.complete" 2>/dev/null)" != "${packages[*]}" ]]; then
  # contrib and non-free from the mirror the chroot's main component comes from.
  mirror=$(awk '$1 == "deb" && $3 == "trixie" {print $2; exit}' /etc/apt/sources.list)
  [[ -n "$mirror" ]] || { log "no 'deb MIRROR trixie main' line in /etc/apt/sources.list"; exit 2; }
  echo "deb $mirror trixie contrib non-free" >/etc/apt/sources.list.d/nerve-mtl-cuda.list
  apt-get update -qq
  mkdir -p "$debs"
  # As root into a root-owned folder: apt's _apt user cannot write there, which it warns about.
  (cd "$debs" && apt-get download "${packages[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  for p in "${packages[@]}"; do
    compgen -G "$debs/${p}_*.deb" >/dev/null || { log "download of $p failed"; exit 1; }
  done
  rm -rf "$prefix"
  for f in "$debs"/*.deb; do dpkg -x "$f" "$prefix"; done
  echo "${packages[*]}" >"$prefix/.complete"
fi
usr=$prefix/usr
lib=$usr/lib/x86_64-linux-gnu

log "CPU build of models_benchmark's libraries in $build"
cmake -S "$root" -B "$build" -G Ninja >/dev/null
cmake --build "$build" --target models_models_benchmark >/dev/null

out=$(mktemp -d)
log "compiling the CUDA paths (objects in $out)"
for f in common/compute.cc optim/adam.cc models/models_benchmark.cc; do
  # The CUDA LibTorch's headers first: they carry ATen/cuda and c10/cuda, which the CPU
  # package lacks; the generated protos come from the CPU build.
  g++ -std=c++17 -O1 -Wall -Wextra -Werror -D_GLIBCXX_USE_CXX11_ABI=1 \
    -DNERVE_MTL_WITH_CUDA=1 -DNERVE_MTL_WITH_CUDA_GRAPHS=1 \
    -I"$root" -I"$build" -isystem "$usr/include" -isystem "$usr/include/torch/csrc/api/include" \
    -c "$root/$f" -o "$out/$(basename "$f" .cc).o"
done

log "linking models_benchmark against libtorch_cuda"
# CMake's own link line for the CPU binary, with our objects in front (they define every symbol
# of the CPU build's compute and adam objects, so those archive members are not pulled in).
link=$(cd "$build" && ninja -t commands models/models_benchmark | tail -1)
link=${link#: && }
link=${link%% && :*}
link=$(sed -e 's| -Wl,--dependency-file=[^ ]*||' \
  -e "s| models/CMakeFiles/models_models_benchmark.dir/models_benchmark.cc.o -o models/models_benchmark | $out/models_benchmark.o $out/compute.o $out/adam.o -o $out/models_benchmark |" \
  <<<"$link")
[[ "$link" == *"$out/models_benchmark.o"* ]] || { log "unexpected link line: $link"; exit 1; }
(cd "$build" && eval "$link -L$lib -Wl,--no-as-needed -ltorch_cuda -lc10_cuda -lcudart -Wl,--allow-shlib-undefined")

# The binary must hold the CUDA graph step and need the CUDA libraries, or nothing was checked.
# (Read into variables first: grep -q closing the pipe early fails it under pipefail.)
symbols=$(nm -C "$out/models_benchmark")
[[ "$symbols" == *'at::cuda::CUDAGraph::replay'* ]] ||
  { log "models_benchmark has no CUDA graph replay: the CUDA path was not compiled"; exit 1; }
needed=$(readelf -d "$out/models_benchmark")
[[ "$needed" == *'libtorch_cuda.so'* ]] || { log "models_benchmark does not link libtorch_cuda"; exit 1; }
log "CUDA paths compile and link: $out/models_benchmark ($(du -h "$out/models_benchmark" | cut -f1))"
