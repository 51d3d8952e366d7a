#!/bin/bash
# Reference parity, computed live: PyTorch (Debian's python3-torch, importable by /usr/bin/python3
# only, not by a pyenv python3 on PATH) writes the golden outputs of reference_models.py into
# the test's scratch directory, then the C++ models must reproduce them.
set -euo pipefail
here="$(dirname "$0")"
out="${TEST_TMPDIR:-$(mktemp -d)}"
/usr/bin/python3 "${here}/make_models_golden.py" "${out}"
exec "${here}/models_reference_check" "${out}/models_golden.pt" "$@"
