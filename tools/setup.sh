#!/usr/bin/env bash
# Installs the Debian packages in the host's lock that are missing, then checks versions: Debian 12
# reads third_party/debian12.lock, Debian 13 third_party/debian13.lock (tools/lock_for_host.sh
# chooses by /etc/os-release; any other system stops here, exit 2).
# Idempotent: with everything installed it only runs the check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lock=$("$root/tools/lock_for_host.sh") || exit 2
echo "setup: $(. /etc/os-release && echo "$PRETTY_NAME"): ${lock#"$root"/}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"

pinned=()
missing=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line=${line%%#*}
  line=${line//[[:space:]]/}
  [[ -z "$line" ]] && continue
  pkg=${line%%=*}
  if ! dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii'; then
    pinned+=("$line")
    missing+=("$pkg")
  fi
done < "$lock"

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # Prefer the locked versions; if the archive has moved a point release on, take the current one
  # (check_lock.sh then warns, or fails for LibTorch).
  if ! $sudo apt-get install -y -qq --no-install-recommends "${pinned[@]}" >/dev/null; then
    echo "setup: locked versions not all available; installing current versions" >&2
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
"$root/tools/check_lock.sh" "$lock"
echo "setup: all locked packages present"
