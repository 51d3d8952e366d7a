#!/usr/bin/env bash
# check_lock.sh: passes on the real lock, fails on a LibTorch mismatch, only warns otherwise.
set -uo pipefail
check=tools/check_lock.sh
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

$check third_party/debian.lock 2>"$tmp/out" || fail "real lock should pass: $(cat "$tmp/out")"

torch=$(dpkg-query -W -f='${Version}' libtorch-dev)
fmt=$(dpkg-query -W -f='${Version}' libfmt-dev)
printf 'libtorch-dev=%s\nlibfmt-dev=0.0-wrong\n' "$torch" >"$tmp/warn.lock"
$check "$tmp/warn.lock" 2>"$tmp/out" || fail "non-LibTorch mismatch must only warn"
grep -q "WARNING: libfmt-dev installed $fmt, lock says 0.0-wrong" "$tmp/out" || fail "warning text: $(cat "$tmp/out")"

printf 'libtorch-dev=0.0-wrong\n' >"$tmp/torch.lock"
if $check "$tmp/torch.lock" 2>"$tmp/out"; then fail "LibTorch mismatch must fail"; fi
grep -q "ERROR: libtorch-dev installed $torch, lock says 0.0-wrong" "$tmp/out" || fail "error text: $(cat "$tmp/out")"

printf 'not-a-line\n' >"$tmp/bad.lock"
if $check "$tmp/bad.lock" 2>"$tmp/out"; then fail "malformed lock must fail"; fi
grep -q "bad.lock:1: expected package=version" "$tmp/out" || fail "malformed text: $(cat "$tmp/out")"
echo PASS
