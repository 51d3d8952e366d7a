#!/usr/bin/env bash
# Downloads the Debian 12 packages of nerve-mtl's C++ dependencies other than LibTorch into DIR,
# for a GPU host that has a CUDA PyTorch but not these libraries (and often no root or apt):
#   tools/fetch_debs.sh DIR [EXTRA_PACKAGE...]      # here, on a Debian 12 machine
#   tools/gpu_check.sh DIR                           # there: unpacks them into a private prefix
# Nothing is installed, here or there.
set -euo pipefail
dir=${1:?usage: tools/fetch_debs.sh DIR [EXTRA_PACKAGE...]}
shift
# The -dev packages and the runtime libraries they link, Debian 12's names.
packages=(libabsl-dev libabsl20220623 libprotobuf-dev libprotobuf32 protobuf-compiler libprotoc32
          libgtest-dev libgmock-dev libbenchmark-dev libbenchmark1debian
          libtiff-dev libtiff6 libjbig0 libdeflate0 liblerc4 libwebp7 libjpeg62-turbo
          libstb-dev libstb0 "$@")
mkdir -p "$dir"
cd "$dir"
apt-get download "${packages[@]}"
echo "fetch_debs: $(ls ./*.deb | wc -l) packages, $(du -sh . | cut -f1) in $dir"
