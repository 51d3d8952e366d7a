#!/usr/bin/env bash
# check_lock.sh: passes on the host's lock, fails on a LibTorch mismatch, only warns otherwise;
# lock_for_host.sh picks the lock by /etc/os-release and refuses other systems.
set -uo pipefail
check=tools/check_lock.sh
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The lock follows the system: Debian 12 and 13 each have one, anything else is refused.
os() { printf 'PRETTY_NAME="%s"\nID=%s\nVERSION_ID="%s"\n' "$@" >"$tmp/os-release"; }
lock_for() { NERVE_MTL_OS_RELEASE="$tmp/os-release" tools/lock_for_host.sh 2>"$tmp/out"; }
os "Debian GNU/Linux 12 (bookworm)" debian 12
[[ $(lock_for) == */third_party/debian12.lock ]] || fail "Debian 12 lock: $(lock_for)"
os "Debian GNU/Linux 13 (trixie)" debian 13
[[ $(lock_for) == */third_party/debian13.lock ]] || fail "Debian 13 lock: $(lock_for)"
for other in "Debian GNU/Linux 11 (bullseye)|debian|11" "Ubuntu 24.04 LTS|ubuntu|24.04" \
             "Debian GNU/Linux trixie/sid|debian|"; do
  IFS='|' read -r pretty id version <<<"$other"
  os "$pretty" "$id" "$version"
  lock_for >/dev/null
  [[ $? -eq 2 ]] || fail "$pretty must exit 2"
  grep -q "no package lock for $pretty .*supported: Debian 12 .*Debian 13" "$tmp/out" ||
    fail "message for $pretty: $(cat "$tmp/out")"
done
grep -q '^libtorch-dev=1\.13\.' third_party/debian12.lock || fail "Debian 12 locks LibTorch 1.13"
grep -q '^libtorch-dev=2\.6\.' third_party/debian13.lock || fail "Debian 13 locks LibTorch 2.6"

# With no argument check_lock.sh reads the host's lock, which this host must satisfy.
$check 2>"$tmp/out" || fail "the host's lock should pass: $(cat "$tmp/out")"

torch=$(dpkg-query -W -f='${Version}' libtorch-dev)
gtest=$(dpkg-query -W -f='${Version}' libgtest-dev)
printf 'libtorch-dev=%s\nlibgtest-dev=0.0-wrong\n' "$torch" >"$tmp/warn.lock"
$check "$tmp/warn.lock" 2>"$tmp/out" || fail "non-LibTorch mismatch must only warn"
grep -q "WARNING: libgtest-dev installed $gtest, lock says 0.0-wrong" "$tmp/out" || fail "warning text: $(cat "$tmp/out")"

printf 'libtorch-dev=0.0-wrong\n' >"$tmp/torch.lock"
if $check "$tmp/torch.lock" 2>"$tmp/out"; then fail "LibTorch mismatch must fail"; fi
grep -q "ERROR: libtorch-dev installed $torch, lock says 0.0-wrong" "$tmp/out" || fail "error text: $(cat "$tmp/out")"

printf 'not-a-line\n' >"$tmp/bad.lock"
if $check "$tmp/bad.lock" 2>"$tmp/out"; then fail "malformed lock must fail"; fi
grep -q "bad.lock:1: expected package=version" "$tmp/out" || fail "malformed text: $(cat "$tmp/out")"
echo PASS
