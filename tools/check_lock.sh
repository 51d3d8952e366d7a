#!/usr/bin/env bash
# Compares installed Debian package versions with the host's lock (third_party/debian12.lock or
# debian13.lock, chosen by tools/lock_for_host.sh from /etc/os-release).
# Exit 1 if LibTorch differs or any locked package is missing; other differences only warn.
# Exit 2 on a host with no lock (not Debian 12 or 13).
# Usage: tools/check_lock.sh [LOCK_FILE]
set -euo pipefail
if (($#)); then
  lock=$1
else
  lock=$("$(dirname "$0")/lock_for_host.sh") || exit 2
fi
[[ -r "$lock" ]] || { echo "check_lock: cannot read lock file $lock" >&2; exit 1; }
# Packages whose version changes the study's numbers: a mismatch is an error.
strict_re='^(libtorch-dev|python3-torch)$'
status=0
lineno=0
while IFS= read -r line || [[ -n "$line" ]]; do
  lineno=$((lineno + 1))
  line=${line%%#*}
  line=${line//[[:space:]]/}
  [[ -z "$line" ]] && continue
  if [[ "$line" != *=* ]]; then
    echo "check_lock: $lock:$lineno: expected package=version, got '$line'" >&2
    exit 1
  fi
  pkg=${line%%=*}
  want=${line#*=}
  have=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$pkg" 2>/dev/null || true)
  if [[ "$have" != ii* ]]; then
    echo "check_lock: ERROR: $pkg is not installed (lock: $want); run tools/setup.sh" >&2
    status=1
    continue
  fi
  have=${have#ii }
  have=${have//[[:space:]]/}
  if [[ "$have" != "$want" ]]; then
    if [[ "$pkg" =~ $strict_re ]]; then
      echo "check_lock: ERROR: $pkg installed $have, lock says $want (its version decides the numbers)" >&2
      status=1
    else
      echo "check_lock: WARNING: $pkg installed $have, lock says $want" >&2
    fi
  fi
done < "$lock"
exit $status
