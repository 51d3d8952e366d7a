#!/usr/bin/env bash
# --jobs end to end (docs/DESIGN.md §5, "Trials side by side"): a study trained with --jobs=2
# --threads=2 (each trial in a child with 1 thread) gives the tables of a run in one process with
# --threads=1, byte for byte; two soft-sharing rows that start together and need the same
# pretrained branches leave one folder per branch and both succeed; a parent killed with SIGKILL
# leaves no child behind, and the rerun finishes what it left; a trial whose loss is not finite
# fails in its child as it does in one process (exit 3, the tables list it).
set -uo pipefail
study=study/smoke  # Any study binary: they differ only in their default flags.
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The soft-sharing rows come first, so that --jobs=2 starts them together: both find no
# pretrained branch, both train it and one rename wins (common/publish.h), unless one starts late.
cat >"$tmp/jobs.textproto" <<'SPEC'
name: "jobs"
base {
  data { phantom { patients: 4 images_per_patient: 8 } height: 32 width: 32 }
  model { filters: 4 kernel_size: 3 depth: 2 resnet_width: 4 }
  training { epochs: 4 batch_size: 4 overlay_images: 0 }
}
axis {
  name: "variant"
  value {
    label: "SoftQuickFCN / linear"
    set {
      model { name: "softquickfcn" }
      loss { strategy: "linear" }
      training { epochs: 2 pretrain_epochs: 2 }
    }
  }
  value {
    label: "SoftQuickFCN / uncertainty"
    set {
      model { name: "softquickfcn" }
      loss { strategy: "uncertainty" }
      training { epochs: 2 pretrain_epochs: 2 }
    }
  }
  value { label: "QuickNAT" set { model { name: "quicknat" } } }
  value { label: "QuickFCN" set { model { name: "quickfcn" } loss { strategy: "linear" } } }
}
seed: 0
SPEC

run() {  # name, flags...
  local name=$1
  shift
  # --original= : the deviations section reads the workspace's study/original, which is not
  # what this test is about.
  $study --study="$tmp/jobs.textproto" --results="$tmp/results_$name" --tensorboard=false \
    --plots=false --original= "$@" >"$tmp/out_$name" 2>"$tmp/err_$name"
}

run sequential --threads=1 || fail "sequential: exit $? ($(tail -3 "$tmp/err_sequential"))"
run jobs --jobs=2 --threads=2 || fail "jobs: exit $? ($(tail -3 "$tmp/err_jobs"))"
grep -q "jobs: 2 trials side by side, 1 thread(s) each" "$tmp/out_jobs" ||
  fail "no jobs line: $(cat "$tmp/out_jobs")"
[[ $(grep -c "finished in" "$tmp/err_jobs") -eq 4 ]] ||
  fail "not one line per trial: $(cat "$tmp/err_jobs")"
grep -q "done 4, skipped 0, failed 0, running 0" "$tmp/err_jobs" ||
  fail "counts: $(cat "$tmp/err_jobs")"

same_tables() {  # results folder a, results folder b
  local table ext
  for table in segmentation classification misclassification; do
    for ext in md tex csv; do
      [[ -s "$1/report/$table.$ext" ]] || fail "$1/report/$table.$ext is missing or empty"
      cmp -s "$1/report/$table.$ext" "$2/report/$table.$ext" ||
        fail "$table.$ext differs: $(diff "$1/report/$table.$ext" "$2/report/$table.$ext")"
    done
  done
}
same_tables "$tmp/results_sequential" "$tmp/results_jobs"
grep -q "^threads: 1$" "$tmp/results_jobs/report/segmentation.md" || fail "threads per trial"
grep -q "^- jobs: 2 (trials side by side" "$tmp/results_jobs/report/report.md" ||
  fail "report.md does not say the trials ran side by side"
if grep -q "^- jobs: " "$tmp/results_sequential/report/report.md"; then
  fail "a jobs line without --jobs"
fi

# Every result the same but for times and the jobs it records.
strip() { grep -v -E "seconds|images_per_second|jobs:" "$1"; }
for dir in "$tmp"/results_sequential/trials/*/; do
  id=$(basename "$dir")
  diff <(strip "$dir/result.textproto") <(strip "$tmp/results_jobs/trials/$id/result.textproto") ||
    fail "trial $id: results differ"
  grep -q "status: OK" "$dir/result.textproto" || fail "trial $id did not succeed"
done
grep -q "  jobs: 2" "$tmp"/results_jobs/trials/*/result.textproto || fail "no jobs in the results"

# The two soft-sharing trials start together: usually both find no pretrained branch, both train
# it and one rename wins. A child that starts late (ctest runs other tests beside this one) finds
# the other's branches published and uses them. Either way each soft-sharing trial pretrained or
# used published branches, at least one pretrained, and each branch has one folder.
logs=("$tmp"/results_jobs/jobs/*.log)
[[ ${#logs[@]} -eq 4 ]] || fail "expected 4 trial logs: ${logs[*]}"
pretrained=$(grep -l "^pretraining " "${logs[@]}" | wc -l)
reused=$(grep -L "^pretraining " "${logs[@]}" | xargs -r grep -l "^using pretrained " | wc -l)
[[ $pretrained -ge 1 && $((pretrained + reused)) -eq 2 ]] ||
  fail "soft sharing pretrained in $pretrained logs, reused in $reused: $(grep -h "pretrain" "${logs[@]}")"
ls -A "$tmp/results_jobs/pretrained" >"$tmp/pretrained_jobs"
ls -A "$tmp/results_sequential/pretrained" >"$tmp/pretrained_sequential"
diff "$tmp/pretrained_sequential" "$tmp/pretrained_jobs" || fail "pretrained folders differ"
[[ $(wc -l <"$tmp/pretrained_jobs") -eq 2 ]] || fail "branches: $(cat "$tmp/pretrained_jobs")"
if grep -q "tmp" "$tmp/pretrained_jobs"; then fail "a private copy was left behind"; fi

# Processes whose command line names the folder: the children of a run into it.
children_of() {
  local f
  for f in /proc/[0-9]*/cmdline; do
    tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "--results=$1 " && echo "${f//[^0-9]/}"
  done
}
$study --study="$tmp/jobs.textproto" --results="$tmp/results_kill" --tensorboard=false \
  --plots=false --original= --jobs=2 --threads=2 >"$tmp/out_kill" 2>"$tmp/err_kill" &
parent=$!
for _ in $(seq 600); do
  [[ $(grep -c "started" "$tmp/err_kill") -ge 2 ]] && break
  sleep 0.1
done
[[ $(grep -c "started" "$tmp/err_kill") -ge 2 ]] ||
  fail "two trials did not start: $(cat "$tmp/err_kill")"
[[ -n $(children_of "$tmp/results_kill" | grep -vx "$parent") ]] || fail "no child is running"
kill -KILL "$parent"
wait "$parent" 2>/dev/null
for _ in $(seq 100); do
  [[ -z $(children_of "$tmp/results_kill") ]] && break
  sleep 0.1
done
orphans=$(children_of "$tmp/results_kill")
if [[ -n $orphans ]]; then
  kill $orphans
  fail "children outlived their parent: $orphans"
fi
run kill --jobs=2 --threads=2 || fail "resumed run: exit $? ($(tail -3 "$tmp/err_kill"))"
same_tables "$tmp/results_sequential" "$tmp/results_kill"

# A non-finite loss in a child: a FAILED result with its reason, the grid goes on, exit 3.
cat >"$tmp/fails.textproto" <<'SPEC'
name: "fails"
base {
  data { phantom { patients: 3 images_per_patient: 4 } height: 32 width: 32 }
  model { name: "quicknat" filters: 4 kernel_size: 3 depth: 2 }
  training { epochs: 1 batch_size: 4 overlay_images: 0 }
}
axis {
  name: "variant"
  value {
    label: "overflow"
    set { data { normalization { mode: NORMALIZATION_FIXED mean: 1e31 std: 1e-8 } } }
  }
  value { label: "good" set { data { normalization { mode: NORMALIZATION_UNIT_RANGE } } } }
}
SPEC
$study --study="$tmp/fails.textproto" --results="$tmp/results_fails" --tensorboard=false \
  --plots=false --original= --jobs=2 --threads=2 >"$tmp/out_fails" 2>"$tmp/err_fails"
rc=$?
[[ $rc -eq 3 ]] || fail "failing trial: exit $rc, expected 3 ($(cat "$tmp/err_fails"))"
grep -q "overflow (seed 0, .*) FAILED: epoch 1 step 1" "$tmp/err_fails" ||
  fail "$(cat "$tmp/err_fails")"
grep -q "done 2, skipped 0, failed 1, running 0" "$tmp/err_fails" || fail "$(cat "$tmp/err_fails")"
grep -A3 "Failed trials" "$tmp/results_fails/report/segmentation.md" | grep -q "loss is" ||
  fail "the tables do not say why: $(cat "$tmp/results_fails/report/segmentation.md")"
echo PASS
