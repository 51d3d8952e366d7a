#!/usr/bin/env bash
# Builds and tests nerve-mtl on Debian 13 (LibTorch 2.6, g++ 14, Abseil 20240722) from a Debian 12
# host, in a Debian 13 chroot: the second supported platform, and the nearest this host gets to the
# LibTorch 2.x that GPU hosts run. .ci/run calls it after the Debian 12 tests.
#
#   tools/debian13_check.sh                  # tools/setup.sh && bazel test //... && tools/cmake_test.sh
#   tools/debian13_check.sh --cmake-only     # tools/setup.sh && tools/cmake_test.sh
#   tools/debian13_check.sh --run 'CMD'      # any command, e.g. 'bazel run //study:smoke'
#
# 1. The chroot (debootstrap --variant=minbase trixie, about 3 GiB once installed) is made once
#    under ~/.cache/nerve-mtl/debian13/ (NERVE_MTL_CACHE moves it) and reused; it comes from the
#    mirror this host's apt sources name (NERVE_MTL_DEBIAN_MIRROR overrides).
# 2. third_party/debian13.lock is installed with apt when it differs from what the chroot last
#    installed (a stamp file), so a rerun spends no time in apt.
# 3. The checkout's files (tracked and untracked-but-not-ignored, as they are now) are copied to
#    /src/nerve-mtl in the chroot, always the same path: Bazel's output base, the CMake build tree
#    (/src/build) and ccache stay warm between runs, and never mix with the host's caches (the
#    system headers are not part of Bazel's cache keys, so a shared disk cache would hand Debian 12
#    objects to a Debian 13 build).
# 4. /proc, /dev and /sys are mounted for the run and unmounted on any exit; the run is bounded by
#    NERVE_MTL_CHROOT_TIMEOUT seconds (default 1500). Tests that need root or services (a Slurm
#    cluster) run there too: the chroot runs as root and shares the host's network namespace.
# Needs root (or sudo). Exit 2: a host other than Debian 12/13, a bad flag, or too little disk.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: tools/debian13_check.sh [--cmake-only | --run 'COMMAND']"
command='tools/setup.sh && bazel test //... && tools/cmake_test.sh /src/build'
case "${1:-}" in
  "") ;;
  --cmake-only) (($# == 1)) || { echo "$usage" >&2; exit 2; }
                command='tools/setup.sh && tools/cmake_test.sh /src/build' ;;
  --run) (($# == 2)) && [[ -n "$2" ]] || { echo "$usage" >&2; exit 2; }
         command=$2 ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
log() { echo "[debian13_check $(date -u +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $1"; exit "${2:-1}"; }
# set -e stops at the first failing command; say which, rather than stop silently.
trap 'log "ERROR: line $LINENO failed: $BASH_COMMAND"' ERR

host=$(. /etc/os-release && echo "${ID:-}:${VERSION_ID:-}")
case "$host" in
  debian:13)
    # The host is the platform: .ci/run's Debian 12 steps just ran natively on Debian 13.
    if [[ "${1:-}" != --run ]]; then
      log "this host is Debian 13: the tests before this step ran on it natively; nothing to add"
      exit 0
    fi
    cd "$root" && exec bash -c "$command" ;;
  debian:12) ;;
  *) die "the Debian 13 chroot is made from a Debian 12 host; this is $host" 2 ;;
esac
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "needs root for chroot and mount, and sudo is missing" 2
  exec sudo --preserve-env=NERVE_MTL_CACHE,NERVE_MTL_DEBIAN_MIRROR,NERVE_MTL_CHROOT_TIMEOUT \
    "$0" "$@"
fi
for tool in debootstrap chroot mount flock timeout; do
  command -v "$tool" >/dev/null ||
    die "$tool is missing: run tools/setup.sh (debootstrap is in third_party/debian12.lock)" 2
done

cache=${NERVE_MTL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerve-mtl}/debian13
chroot_dir="$cache/root"
timeout_s=${NERVE_MTL_CHROOT_TIMEOUT:-1500}
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "NERVE_MTL_CHROOT_TIMEOUT must be seconds, got '$timeout_s'" 2
mkdir -p "$cache"

# One run at a time per cache: a second waits up to the timeout, then gives up.
exec 9>"$cache/lock"
flock -w "$timeout_s" 9 || die "another debian13_check holds $cache/lock"

# Disk: a new chroot with the lock installed is about 3 GiB, the two build trees and caches about
# 3 GiB more; a reused one needs room for the build trees only.
need_gib=4
[[ -x "$chroot_dir/bin/bash" ]] || need_gib=8
free_gib=$(($(df -Pk "$cache" | awk 'NR == 2 {print $4}') / 1024 / 1024))
((free_gib >= need_gib)) ||
  die "$cache has $free_gib GiB free, this check needs $need_gib GiB (NERVE_MTL_CACHE moves it)" 2

mounts=()
cleanup() {
  local status=$?
  if [[ -n "$child" ]]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if ((${#mounts[@]})); then
    # A Bazel server or a test left running inside would keep the mounts busy: stop what runs
    # with the chroot as its root, by process id.
    if [[ -x "$chroot_dir/usr/bin/bazel" && -d "$chroot_dir/src/nerve-mtl" ]]; then
      timeout 60 chroot "$chroot_dir" bash -c 'cd /src/nerve-mtl && bazel shutdown' \
        >/dev/null 2>&1 || true
    fi
    local pid
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
      if [[ "$(readlink "/proc/$pid/root" 2>/dev/null)" == "$chroot_dir" ]]; then
        kill "$pid" 2>/dev/null || true
      fi
    done
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
      umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" ||
        log "could not unmount ${mounts[i]}"
    done
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mount_in() {  # TYPE|--rbind SOURCE TARGET
  local target="$chroot_dir/$3"
  if mountpoint -q "$target"; then umount -R -l "$target"; fi  # left by a run killed by SIGKILL
  if [[ "$1" == --rbind ]]; then
    # /dev with /dev/pts and /dev/shm; a slave, so that unmounting it never reaches the host's.
    mount --rbind "$2" "$target" && mount --make-rslave "$target"
  else
    mount -t "$1" "$2" "$target"
  fi
  mounts+=("$target")
}

# The mirror (and the security mirror) this host's apt sources name, for the same suite layout.
apt_uri() {  # SUITE_PATTERN
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  { cat "${files[@]}" 2>/dev/null || true; } | awk -v pat="$1" '
      /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) ~ pat) { print $i; exit } break } }
      /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i ~ pat) { print uri; exit } }'
}
mirror=${NERVE_MTL_DEBIAN_MIRROR:-$(apt_uri '^bookworm$')}
security=$(apt_uri '^bookworm-security$')
[[ -n "$mirror" ]] || die "no Debian 12 mirror in /etc/apt/sources.list*: set NERVE_MTL_DEBIAN_MIRROR" 2

if [[ ! -x "$chroot_dir/bin/bash" ]]; then
  # Into a temporary directory first, so an interrupted debootstrap never looks like a chroot.
  partial="$cache/root.partial"
  if [[ -e "$partial" ]]; then
    grep -q " $partial/" /proc/mounts && die "$partial has mounts left; unmount them first"
    rm -rf --one-file-system "$partial"
  fi
  log "debootstrap trixie into $chroot_dir (once)"
  timeout 900 debootstrap --variant=minbase trixie "$partial" "$mirror" \
    >"$cache/debootstrap.log" 2>&1 || die "debootstrap failed, see $cache/debootstrap.log"
  mv "$partial" "$chroot_dir"
fi

{
  echo "deb $mirror trixie main"
  echo "deb $mirror trixie-updates main"
  [[ -z "$security" ]] || echo "deb $security trixie-security main"
} >"$chroot_dir/etc/apt/sources.list"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
# Packages must not start services in the chroot (a test starts its own, as the Slurm one will).
printf '#!/bin/sh\nexit 101\n' >"$chroot_dir/usr/sbin/policy-rc.d"
chmod +x "$chroot_dir/usr/sbin/policy-rc.d"

mount_in proc proc proc
mount_in --rbind /dev dev
mount_in sysfs sys sys
child=""
in_chroot() {  # SECONDS COMMAND: a login-free, clean environment, bounded in time
  # In the background: bash runs a trap only once its foreground child returns, and a TERM (a CI
  # timeout) or Ctrl-C must unmount now. timeout passes the signal on to the command.
  timeout --kill-after=30 "$1" chroot "$chroot_dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM="${TERM:-dumb}" \
    bash -c "$2" &
  child=$!
  local status=0
  wait "$child" || status=$?
  child=""
  return "$status"
}

lock="$root/third_party/debian13.lock"
stamp="$chroot_dir/var/lib/nerve-mtl-lock.sha256"
lock_sum=$(sha256sum <"$lock")
if [[ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]]; then
  log "installing third_party/debian13.lock into the chroot"
  pinned=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$lock" | tr '\n' ' ')
  in_chroot 1200 "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends --allow-downgrades $pinned >/dev/null" ||
    die "apt-get install of third_party/debian13.lock failed in the chroot"
  echo "$lock_sum" >"$stamp"
fi

# The copy's files get the time of the copy, not of the checkout: a source older than the kept
# CMake build tree's outputs (a branch merged after the last run) would otherwise look built.
# CMake then recompiles everything, through ccache; Bazel compares contents, not times.
log "copying the checkout to $chroot_dir/src/nerve-mtl"
src="$chroot_dir/src/nerve-mtl"
mkdir -p "$src"
find "$src" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} +
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -xmf - -C "$src"  # -m: fresh mtimes (below)

log "running in Debian 13 (up to $timeout_s s): $command"
start=$SECONDS
status=0
in_chroot "$timeout_s" "cd /src/nerve-mtl && $command" || status=$?
((status != 124 && status != 137)) || die "timed out after $timeout_s s (NERVE_MTL_CHROOT_TIMEOUT)"
log "Debian 13 finished in $((SECONDS - start)) s with status $status"
exit "$status"
