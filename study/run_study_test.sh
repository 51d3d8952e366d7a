#!/usr/bin/env bash
# The exit statuses of the study binary (README, "Exit status"), end to end: a bad row exits 2
# with nothing trained or written; --dry_run prints the trials and an estimate, writes nothing
# and exits 0; a failing trial exits 3 with the tables written, listing it.
set -uo pipefail
study=study/smoke  # Any study binary: they differ only in their default flags.
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

# Two rows of one epoch; "overflow" shifts every pixel by -1e39, beyond float: -inf, so its
# loss is not finite.
write_study() {  # file, extra rows and thresholds
  cat >"$1" <<SPEC
name: "exit_codes"
base {
  data { phantom { patients: 3 images_per_patient: 4 } height: 32 width: 32 }
  model { name: "quicknat" filters: 4 kernel_size: 3 depth: 2 resnet_width: 4 }
  training { epochs: 1 batch_size: 4 overlay_images: 0 }
}
axis {
  name: "variant"
  value { label: "good" set { data { normalization { mode: NORMALIZATION_UNIT_RANGE } } } }
  value {
    label: "overflow"
    set { data { normalization { mode: NORMALIZATION_FIXED mean: 1e31 std: 1e-8 } } }
  }
  $2
}
SPEC
}
run() {  # name, study file, flags...
  local name=$1 file=$2
  shift 2
  # --original= : the deviations section reads the workspace's study/original, which is not
  # what this test is about.
  $study --study="$file" --results="$tmp/results_$name" --tensorboard=false --plots=false \
    --original= "$@" >"$tmp/out_$name" 2>"$tmp/err_$name"
}

check_bad() {  # name, expected message, extra rows
  write_study "$tmp/$1.textproto" "$3"
  run "$1" "$tmp/$1.textproto"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$1: exit $rc, expected 2 ($(cat "$tmp/err_$1"))"
  [[ $(wc -l <"$tmp/err_$1") -eq 1 ]] || fail "$1: stderr is not one line: $(cat "$tmp/err_$1")"
  grep -qF "$2" "$tmp/err_$1" || fail "$1: '$(cat "$tmp/err_$1")' lacks '$2'"
  [[ ! -e "$tmp/results_$1" ]] || fail "$1: something was written"
  if grep -q "^\[trial " "$tmp/out_$1" "$tmp/err_$1"; then fail "$1: a trial started"; fi
}
# The bad row comes last: the rows before it would train first if it were found late.
check_bad strategy "trial 'hard / dwaa': loss.strategy: unknown strategy 'dwaa'" \
  'value { label: "hard / dwaa" set { model { name: "quickfcn" } loss { strategy: "dwaa" } } }'
check_bad split "trial 'tiny'" \
  'value { label: "tiny" set { data { phantom { patients: 2 } } } }'
check_bad budget "allow_unequal_budgets" \
  'value { label: "longer" set { training { epochs: 2 } } }'
check_bad threshold "cannot catch a broken model" \
  '} threshold { trial: "good" metric: "test.dice" min: 0 '

write_study "$tmp/fails.textproto" ""
run dry_before "$tmp/fails.textproto" --dry_run || fail "dry run: exit $? ($(cat "$tmp/err_dry_before"))"
grep -q "2 trials: 0 done, 0 failed, 2 to do" "$tmp/out_dry_before" ||
  fail "dry run: $(cat "$tmp/out_dry_before")"
grep -q "estimated time: .* (rough" "$tmp/out_dry_before" || fail "dry run: no estimate"
[[ ! -e "$tmp/results_dry_before" ]] || fail "dry run wrote something"

run fails "$tmp/fails.textproto" --report="$tmp/report"
rc=$?
[[ $rc -eq 3 ]] || fail "failing trial: exit $rc, expected 3 ($(cat "$tmp/err_fails"))"
grep -q "1 trial(s) failed" "$tmp/err_fails" || fail "failing trial: $(cat "$tmp/err_fails")"
grep -q "overflow" "$tmp/report/segmentation.md" || fail "the tables do not list the failed trial"
grep -A3 "Failed trials" "$tmp/report/segmentation.md" | grep -q "loss is" ||
  fail "the tables do not say why: $(cat "$tmp/report/segmentation.md")"

# The same results folder: one done, one failed, nothing left to estimate.
$study --study="$tmp/fails.textproto" --results="$tmp/results_fails" --dry_run >"$tmp/out_dry" 2>&1 ||
  fail "dry run after: exit $?"
grep -q "2 trials: 1 done, 1 failed, 0 to do" "$tmp/out_dry" || fail "dry run after: $(cat "$tmp/out_dry")"
grep -q "failed: epoch 1 step 1" "$tmp/out_dry" || fail "dry run after: no reason: $(cat "$tmp/out_dry")"
echo PASS
