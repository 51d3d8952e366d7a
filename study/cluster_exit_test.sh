#!/usr/bin/env bash
# Bad input on a cluster exits 2 with one line and writes nothing (README, "Running on a
# cluster"): --shard=auto with no engine's variables, a Slurm array with a step, and a merge of
# shards of two different studies.
set -uo pipefail
study=study/smoke  # Any study binary: they differ only in their default flags.
merge=study/merge
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_COUNT \
  SLURM_ARRAY_JOB_ID JOB_COMPLETION_INDEX NERVE_MTL_SHARD_COUNT

write_study() {  # file, seed
  cat >"$1" <<SPEC
name: "exit_codes"
base {
  data { phantom { patients: 3 images_per_patient: 4 } height: 32 width: 32 }
  model { name: "quicknat" filters: 4 kernel_size: 3 depth: 2 resnet_width: 4 }
  training { epochs: 1 batch_size: 4 overlay_images: 0 }
}
axis {
  name: "variant"
  value { label: "a" set { model { filters: 4 } } }
  value { label: "b" set { model { filters: 6 } } }
}
seed: $2
SPEC
}
write_study "$tmp/one.textproto" 0
write_study "$tmp/two.textproto" 1  # Another study: same rows, another seed.
flags=(--tensorboard=false --plots=false --original= --threads=1)

check_bad() {  # name, expected message, command...
  local name=$1 message=$2
  shift 2
  "$@" >"$tmp/out_$name" 2>"$tmp/err_$name"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit $rc, expected 2 ($(cat "$tmp/err_$name"))"
  [[ $(wc -l <"$tmp/err_$name") -eq 1 ]] || fail "$name: stderr is not one line: $(cat "$tmp/err_$name")"
  grep -qF -- "$message" "$tmp/err_$name" || fail "$name: '$(cat "$tmp/err_$name")' lacks '$message'"
}

check_bad no_engine "--shard=auto: neither SLURM_ARRAY_TASK_ID" \
  $study --study="$tmp/one.textproto" --results="$tmp/r_none" --shard=auto "${flags[@]}"
[[ ! -e "$tmp/r_none" ]] || fail "no_engine: something was written"
check_bad stepped "the Slurm array is not contiguous" \
  env SLURM_ARRAY_JOB_ID=7 SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=4 \
  SLURM_ARRAY_TASK_COUNT=3 $study --study="$tmp/one.textproto" --results="$tmp/r_step" \
  --shard=auto "${flags[@]}"
[[ ! -e "$tmp/r_step" ]] || fail "stepped: something was written"
check_bad count_without_auto "--shard_count goes with --shard=auto" \
  $study --study="$tmp/one.textproto" --results="$tmp/r_count" --shard=0/2 --shard_count=2 \
  "${flags[@]}"

# Shard 0 of one study and shard 1 of another, as two tasks of an Indexed Job would run them.
JOB_COMPLETION_INDEX=0 NERVE_MTL_SHARD_COUNT=2 $study --study="$tmp/one.textproto" \
  --results="$tmp/s0" --shard=auto "${flags[@]}" >"$tmp/out_s0" 2>&1 || fail "shard 0: exit $?"
JOB_COMPLETION_INDEX=1 $study --study="$tmp/two.textproto" --results="$tmp/s1" --shard=auto \
  --shard_count=2 "${flags[@]}" >"$tmp/out_s1" 2>&1 || fail "shard 1: exit $?"
grep -q 'task: "Kubernetes index 1 on ' "$tmp/s1/shards/1-of-2.textproto" ||
  fail "shard 1's record: $(cat "$tmp/s1/shards/1-of-2.textproto")"
check_bad two_studies "shards of different studies" \
  $merge --into="$tmp/merged" --report="$tmp/merged/report" "$tmp/s0" "$tmp/s1"
[[ ! -e "$tmp/merged" ]] || fail "two_studies: something was written"

# The same study's other shard merges; the tables list the rows in the study's order.
JOB_COMPLETION_INDEX=1 $study --study="$tmp/one.textproto" --results="$tmp/s1b" --shard=auto \
  --shard_count=2 "${flags[@]}" >"$tmp/out_s1b" 2>&1 || fail "shard 1b: exit $?"
$merge --into="$tmp/merged" --report="$tmp/merged/report" --plots=false --original= \
  "$tmp/s0" "$tmp/s1b" >"$tmp/out_merge" 2>&1 || fail "merge: exit $? ($(cat "$tmp/out_merge"))"
[[ $(grep -o '^| [ab] |' "$tmp/merged/report/segmentation.md" | tr -d '| \n') == ab ]] ||
  fail "rows out of order: $(cat "$tmp/merged/report/segmentation.md")"
echo PASS
