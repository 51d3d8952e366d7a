#!/usr/bin/env bash
# Each experiment binary knows only the model and strategy it links (soft sharing also links
# the two single-task branches it pretrains).
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {  # binary, expected output
  local out
  out=$("study/experiments/$1" --list_linked) || fail "$1 --list_linked failed"
  [[ "$out" == "$2" ]] || fail "$1 links: '$out', expected '$2'"
}
expect quickfcn_uncertainty $'models: quickfcn\nstrategies: uncertainty'
expect quicknat $'models: quicknat\nstrategies: '
expect softquickfcn_linear $'models: quickclassifier quicknat softquickfcn\nstrategies: linear'
echo PASS
