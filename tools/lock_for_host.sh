#!/usr/bin/env bash
# Prints the package lock for this host: third_party/debian<VERSION_ID>.lock, chosen by
# /etc/os-release (NERVE_MTL_OS_RELEASE names another file, for tests). Debian 12 and 13 are the
# supported platforms; anything else exits 2 with one line saying so.
# Usage: tools/lock_for_host.sh
set -euo pipefail
os_release=${NERVE_MTL_OS_RELEASE:-/etc/os-release}
locks=$(cd "$(dirname "$0")/../third_party" && pwd)
[[ -r "$os_release" ]] || { echo "lock_for_host: cannot read $os_release" >&2; exit 2; }
# os-release is shell syntax; read it in a subshell so it cannot change ours.
read -r id version pretty < <(
  . "$os_release"
  printf '%s %s %s\n' "${ID:-unknown}" "${VERSION_ID:-none}" "${PRETTY_NAME:-$os_release}")
lock="$locks/debian$version.lock"
if [[ "$id" != debian || ! "$version" =~ ^[0-9]+$ || ! -r "$lock" ]]; then
  echo "lock_for_host: no package lock for $pretty ($os_release: ID=$id VERSION_ID=$version);" \
    "supported: Debian 12 (third_party/debian12.lock), Debian 13 (third_party/debian13.lock)" >&2
  exit 2
fi
echo "$lock"
