#!/usr/bin/env bash
# //study:train end to end: --override reaches a --study/--row trial (and its id); --rerun of
# that smoke-study trial reports identical (exit 0); a changed spec reports the moved values with
# both numbers (exit 1); flags that do not apply exit 2 naming both, with nothing written.
set -uo pipefail
train=study/train
smoke=study/studies/smoke.textproto
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }
flags=(--device=cpu --threads=2 --tensorboard=false)

# ResNet-18: before saved specs validated, its experiment.textproto was refused for the
# cross-stitch defaults it spells out. One epoch on 6 images a patient keeps the four trainings
# short on a shared machine.
$train --study=$smoke --row=ResNet-18 --out="$tmp/trial" \
  --override='training { epochs: 1 } data { phantom { images_per_patient: 6 } }' \
  "${flags[@]}" >"$tmp/out_train" 2>"$tmp/err_train" || fail "train: exit $? ($(cat "$tmp/err_train"))"
grep -q "images_per_patient: 6" "$tmp/trial/experiment.textproto" || fail "--override lost"
[[ $(grep -c '^epoch {' "$tmp/trial/result.textproto") -eq 1 ]] ||
  fail "--override with --study/--row was ignored: $(grep -c '^epoch {' "$tmp/trial/result.textproto") epochs"
id=$(sed -n 's/^trial_id: "\(.*\)"$/\1/p' "$tmp/trial/result.textproto")
grep -q "(trial $id)" "$tmp/out_train" || fail "train does not print its trial id: $(cat "$tmp/out_train")"

# Identical: exit 0, into a new folder under the working directory.
(cd "$tmp" && BUILD_WORKING_DIRECTORY="$tmp" "$OLDPWD/$train" --rerun=trial "${flags[@]}") \
  >"$tmp/out_same" 2>"$tmp/err_same" || fail "rerun: exit $? ($(cat "$tmp/out_same" "$tmp/err_same"))"
grep -q "^identical: the rerun reproduces .*trial/result.textproto (exactly)" "$tmp/out_same" ||
  fail "rerun: $(cat "$tmp/out_same")"
[[ -f "$tmp/reruns/$id/result.textproto" ]] || fail "rerun did not train into reruns/$id"
[[ ! -e "$tmp/trial/reruns" ]] || fail "rerun wrote into the trial's folder"

# A changed spec: exit 1, each moved value with both numbers.
cp -r "$tmp/trial" "$tmp/changed"
sed -i 's/^seed: 0$/seed: 1/' "$tmp/changed/experiment.textproto"
grep -q '^seed: 1$' "$tmp/changed/experiment.textproto" || fail "the saved spec has no seed line"
$train --rerun="$tmp/changed" --out="$tmp/rerun_changed" "${flags[@]}" >"$tmp/out_changed" \
  2>"$tmp/err_changed"
rc=$?
[[ $rc -eq 1 ]] || fail "changed spec: exit $rc, expected 1 ($(cat "$tmp/out_changed" "$tmp/err_changed"))"
for moved in "experiment.seed: 0 (saved) -> 1 (rerun)" "trial_id: \"$id\" (saved) -> " \
  "epoch\[0\].train_loss: [0-9.e-]* (saved) -> [0-9.e-]* (rerun)"; do
  grep -q "^  $moved" "$tmp/out_changed" || fail "changed spec: no '$moved' in $(cat "$tmp/out_changed")"
done
grep -q "value(s) moved (exactly)" "$tmp/out_changed" || fail "$(cat "$tmp/out_changed")"
grep -q "note: .*the spec was changed after the trial ran" "$tmp/err_changed" ||
  fail "no note on the changed spec: $(cat "$tmp/err_changed")"
# A tolerance covers real values only: the changed seed and trial id still count.
$train --rerun="$tmp/changed" --out="$tmp/rerun_changed" --tolerance=1000 "${flags[@]}" \
  >"$tmp/out_tol" 2>&1
[[ $? -eq 1 ]] || fail "tolerance: $(cat "$tmp/out_tol")"
grep -q "(tolerance 1000)" "$tmp/out_tol" || fail "tolerance: $(cat "$tmp/out_tol")"
if grep -q "train_loss" "$tmp/out_tol"; then fail "tolerance ignored: $(cat "$tmp/out_tol")"; fi

check_bad() {  # name, expected message, flags...
  local name=$1 message=$2
  shift 2
  $train "$@" >"$tmp/out_$name" 2>"$tmp/err_$name"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit $rc, expected 2 ($(cat "$tmp/err_$name"))"
  [[ $(wc -l <"$tmp/err_$name") -eq 1 ]] || fail "$name: stderr is not one line: $(cat "$tmp/err_$name")"
  grep -qF -- "$message" "$tmp/err_$name" || fail "$name: '$(cat "$tmp/err_$name")' lacks '$message'"
}
check_bad spec "--spec does not apply with --rerun" --rerun="$tmp/trial" \
  --spec="$tmp/trial/experiment.textproto" --out="$tmp/bad_spec"
check_bad override "--override does not apply with --rerun" --rerun="$tmp/trial" \
  --override='seed: 2' --out="$tmp/bad_override"
check_bad tolerance "--tolerance does not apply with --spec" \
  --spec="$tmp/trial/experiment.textproto" --tolerance=0.1 --out="$tmp/bad_tolerance"
check_bad own "is the trial's own folder" --rerun="$tmp/trial" --out="$tmp/trial"
check_bad pretrained "--pretrained_dir does not apply with model 'resultnet'" \
  --spec="$tmp/trial/experiment.textproto" --pretrained_dir="$tmp/cache" --out="$tmp/bad_pretrained"
for name in spec override tolerance pretrained; do
  [[ ! -e "$tmp/bad_$name" ]] || fail "$name: something was written"
done
echo PASS
