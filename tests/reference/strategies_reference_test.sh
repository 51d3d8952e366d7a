#!/bin/bash
# Strategy parity, computed live: the general formulations of reference_strategies.py (Debian's
# python3-torch, importable by /usr/bin/python3 only) write their update directions into the
# test's scratch directory, then the C++ closed forms must reproduce them.
set -euo pipefail
here="$(dirname "$0")"
out="${TEST_TMPDIR:-$(mktemp -d)}"
/usr/bin/python3 "${here}/make_strategies_golden.py" "${out}"
exec "${here}/strategies_reference_check" "${out}/strategies_golden.pt" "$@"
