#!/usr/bin/env bash
# //reports:build writes every table and plot for good results (with the deviations from the
# committed original configuration), and --check finds the numbers
# unchanged; a moved number exits 1; bad input prints one line, exits 2 and writes nothing.
set -uo pipefail
build=reports/build
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

check_bad() {  # name, expected message, args...
  local name=$1 expect=$2
  shift 2
  $build "$@" --out="$tmp/bad_$name" >"$tmp/out_$name" 2>"$tmp/err_$name"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit $rc, expected 2 ($(cat "$tmp/err_$name"))"
  [[ $(wc -l <"$tmp/err_$name") -eq 1 ]] || fail "$name: stderr is not one line: $(cat "$tmp/err_$name")"
  grep -qF -- "$expect" "$tmp/err_$name" || fail "$name: '$(cat "$tmp/err_$name")' lacks '$expect'"
  [[ ! -e "$tmp/bad_$name" ]] || fail "$name: output written"
  [[ -z "$(ls -A "$tmp" | grep '\.tmp-')" ]] || fail "$name: temporary directory left behind"
}
check_bad no_flag "--results is required"
check_bad missing_dir "$tmp/no_such_results" --results="$tmp/no_such_results"
mkdir -p "$tmp/empty/trials"
check_bad empty_dir "$tmp/empty: no trial results" --results="$tmp/empty"
mkdir -p "$tmp/broken/trials/t1"
printf 'status: OK\nexperiment { nmae: "x" }\n' >"$tmp/broken/trials/t1/result.textproto"
check_bad broken_result "$tmp/broken/trials/t1/result.textproto:2:" --results="$tmp/broken"
# A result from before results recorded their components: this binary links no component code
# to fill them in.
mkdir -p "$tmp/older/trials/t1"
printf 'status: OK\nexperiment { name: "x" model { name: "quicknat" } }\n' \
  >"$tmp/older/trials/t1/result.textproto"
check_bad older_result "$tmp/older/trials/t1/result.textproto: written before results recorded their components" \
  --results="$tmp/older"

# Two trials of one segmenting row.
for seed in 0 1; do
  mkdir -p "$tmp/results/trials/nat$seed"
  cat >"$tmp/results/trials/nat$seed/result.textproto" <<RESULT
status: OK
trial_id: "nat$seed"
experiment { name: "QuickNAT" seed: $seed model { name: "quicknat" } }
components { segments: true classifies: false }
epoch { epoch: 0 train_loss: 0.9 val_dice: 0.5 task_weight: 1 task_weight: 0 }
epoch { epoch: 1 train_loss: 0.7 val_dice: 0.6$seed task_weight: 1 task_weight: 0 }
test { has_segmentation: true dice: 0.8$seed iou: 0.7 hd95: 4.5
       image_id: "a" image_id: "b" image_dice: 0.8 image_dice: 0.7$seed }
parameters: 1234
train_seconds: 10.5
environment { git_revision: "abc123" libtorch_version: "2.0.1" cpu: "cpu" threads: 2 device: "cpu" }
RESULT
done
$build --results="$tmp/results" >"$tmp/out_ok" 2>"$tmp/err_ok" || fail "good results failed: $(cat "$tmp/err_ok")"
for table in segmentation classification misclassification cost; do
  for ext in md tex csv; do
    [[ -s "$tmp/results/report/$table.$ext" ]] || fail "no $table.$ext"
  done
done
[[ -s "$tmp/results/report/report.json" && -s "$tmp/results/report/report.md" ]] || fail "no report"
[[ -s "$tmp/results/report/plots/train_loss.svg" ]] || fail "no plots/train_loss.svg"
grep -qF '\toprule' "$tmp/results/report/segmentation.tex" || fail "segmentation.tex lacks \\toprule"
# The sections read from the specs, the deviations against the committed study/original/.
for heading in "## Protocol" "## Deviations from the original" "### Beyond the specs"; do
  grep -qF -- "$heading" "$tmp/results/report/report.md" || fail "report.md lacks $heading"
done
grep -qF '| `data.channels` | 1 | 7 |' "$tmp/results/report/report.md" ||
  fail "report.md lacks the channel deviation"
grep -qF '"deviations": {' "$tmp/results/report/report.json" || fail "report.json lacks deviations"
grep -qF '| QuickNAT | 2 | 20 |' "$tmp/results/report/segmentation.md" ||
  fail "segmentation.md lacks the epoch budget"
[[ -z "$(ls -A "$tmp/results" | grep '\.tmp-')" ]] || fail "temporary directory left behind"

# The same results again: the same bytes.
$build --results="$tmp/results" --out="$tmp/again" >/dev/null 2>&1 || fail "second run failed"
diff -r "$tmp/results/report" "$tmp/again" >"$tmp/diff" || fail "second run differs: $(head "$tmp/diff")"

$build --results="$tmp/results" --check="$tmp/results/report" >"$tmp/out_check" 2>&1 ||
  fail "check of identical tables failed: $(cat "$tmp/out_check")"
sed -i 's/"mean": 0.805,/"mean": 0.9,/' "$tmp/again/report.json"
$build --results="$tmp/results" --check="$tmp/again" >"$tmp/out_moved" 2>"$tmp/err_moved"
rc=$?
[[ $rc -eq 1 ]] || fail "moved metric: exit $rc, expected 1 ($(cat "$tmp/out_moved" "$tmp/err_moved"))"
grep -qF "segmentation | QuickNAT | test_dice.mean: committed 0.9, now 0.805" "$tmp/out_moved" ||
  fail "moved metric not reported: $(cat "$tmp/out_moved")"
check_bad no_original "$tmp/no_original: no such directory" --results="$tmp/results" --original="$tmp/no_original"
check_bad no_committed "$tmp/nowhere/report.json" --results="$tmp/results" --check="$tmp/nowhere"
echo PASS
