#!/usr/bin/env bash
# A real Slurm cluster of one node, from Debian's slurm-wlm and munge (tools/setup.sh installs
# them; local_cluster.sh starts munged, slurmctld and slurmd with every file under the test's
# temporary folder and ports chosen now). Then, as the README's "Running on a cluster" says:
#  1. the tiny study as a 2-task array (array.sbatch) plus an afterany merge job (merge.sbatch):
#     the merge exits 0 and its metric tables equal a single-process run's byte for byte;
#  2. a failing study as a 3-task array, task 1's trial failing and task 2 cancelled before it
#     starts: task 1 exits 3, the merge still writes the tables, lists the failed trial and
#     names the cancelled task, and exits 3.
# Every daemon is stopped by its PID on any exit. Needs root (slurmd starts jobs as their user).
set -uo pipefail
tmp=${TEST_TMPDIR:-$(mktemp -d)}
root=$PWD  # Bazel's runfiles tree or CMake's build tree: deploy/, study/ and the binaries.
fail() {
  echo "FAIL: $*" >&2
  for log in "$tmp"/cluster/log/* "$tmp"/out/*.out; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}
[[ $(id -u) -eq 0 ]] || fail "needs root: slurmd starts jobs as their submitting user"
for tool in sbatch squeue scontrol scancel; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run tools/setup.sh (slurm-wlm, munge)"
done
export NERVE_MTL_ROOT=$root NERVE_MTL_BIN=$root/study NERVE_MTL_THREADS=1
study_binary=$root/study/all
[[ -x "$study_binary" ]] || study_binary=$root/study/study_all  # CMake's name
# A test run inside a Slurm job or pod must not hand its shard variables to the reference run.
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_JOB_ID JOB_COMPLETION_INDEX NERVE_MTL_SHARD_COUNT
cd "$root"
mkdir -p "$tmp/out"

# --- The cluster, stopped by its daemons' PIDs on any exit.
trap 'deploy/slurm/local_cluster.sh stop "$tmp/cluster"' EXIT
conf=$(deploy/slurm/local_cluster.sh start "$tmp/cluster") || fail "the cluster did not start"
export SLURM_CONF=$conf

wait_for() {  # job ids...; bounded
  local deadline=$((SECONDS + 420))
  while ((SECONDS < deadline)); do
    [[ -z $(squeue -h -j "$(IFS=,; echo "$*")" 2>/dev/null) ]] && return 0
    sleep 1
  done
  fail "jobs $* still queued after 420 s: $(squeue 2>&1)"
}
exit_code() {  # job id -> "N:SIGNAL" as Slurm keeps it
  scontrol show job "$1" | sed -n 's/.*ExitCode=\([0-9:]*\).*/\1/p' | head -n 1
}
same_tables() {  # reference report, merged report
  local table extension
  for table in segmentation classification misclassification; do
    for extension in md tex csv; do
      [[ -s "$1/$table.$extension" ]] || fail "$1/$table.$extension is missing"
      cmp -s "$1/$table.$extension" "$2/$table.$extension" ||
        fail "$table.$extension differs from the single-process run:
$(diff "$1/$table.$extension" "$2/$table.$extension")"
    done
  done
}
flags=(--tensorboard=false --plots=false --original=)

# --- 1. Two shards and a merge give the single-process tables.
fixture=deploy/slurm/testdata/tiny.textproto
array=$(sbatch --parsable --array=0-1 --cpus-per-task=1 --output="$tmp/out/tiny-%A_%a.out" \
  deploy/slurm/array.sbatch "$fixture" "$tmp/tiny" "${flags[@]}") || fail "sbatch: $array"
merge=$(sbatch --parsable --dependency=afterany:"$array" --output="$tmp/out/tiny-merge.out" \
  deploy/slurm/merge.sbatch "$tmp/tiny" --plots=false --original=) || fail "sbatch: $merge"
# The reference runs meanwhile, on what the array leaves of the CPUs.
"$study_binary" --study="$fixture" --results="$tmp/reference" --threads=1 "${flags[@]}" \
  >"$tmp/out/reference.out" 2>&1 || fail "the single-process run exited $?"
wait_for "$array" "$merge"
for task in 0 1; do
  [[ $(exit_code "${array}_$task") == 0:0 ]] || fail "task $task: exit $(exit_code "${array}_$task")"
done
[[ $(exit_code "$merge") == 0:0 ]] || fail "merge: exit $(exit_code "$merge")"
grep -q "^shard 1/2 done" "$tmp/out/tiny-${array}_1.out" || fail "task 1 ran no shard"
grep -q "Slurm job ${array}_1 on " "$tmp/tiny/shards/1-of-2.textproto" ||
  fail "shard 1's record does not name its task"
same_tables "$tmp/reference/report" "$tmp/tiny/report"
echo "case 1: 2 shards merged into the single-process tables"

# --- 2. A failed trial and a cancelled task.
fixture=deploy/slurm/testdata/failing.textproto
array=$(sbatch --parsable --hold --array=0-2 --cpus-per-task=1 \
  --output="$tmp/out/failing-%A_%a.out" \
  deploy/slurm/array.sbatch "$fixture" "$tmp/failing" "${flags[@]}") || fail "sbatch: $array"
scancel "${array}_2" || fail "scancel ${array}_2"
merge=$(sbatch --parsable --dependency=afterany:"$array" --output="$tmp/out/failing-merge.out" \
  deploy/slurm/merge.sbatch "$tmp/failing" --plots=false --original=) || fail "sbatch: $merge"
scontrol release "$array" || fail "scontrol release $array"
wait_for "$array" "$merge"
[[ $(exit_code "${array}_0") == 0:0 ]] || fail "task 0: exit $(exit_code "${array}_0")"
[[ $(exit_code "${array}_1") == 3:0 ]] || fail "task 1 (failed trial): exit $(exit_code "${array}_1")"
[[ $(exit_code "$merge") == 3:0 ]] || fail "merge after a failure: exit $(exit_code "$merge")"
out=$tmp/out/failing-merge.out
grep -q "merge: trial 'overflow' (seed 0, trial .*) failed: " "$out" ||
  fail "the merge does not list the failed trial: $(cat "$out")"
grep -q "merge: shard 2/3 (Slurm job ${array}_2) left no record.*no result for 'wider'" "$out" ||
  fail "the merge does not name the cancelled task: $(cat "$out")"
grep -q "overflow" "$tmp/failing/report/segmentation.md" ||
  fail "the tables do not list the failed trial"
echo "case 2: a failed trial and a cancelled task reported by the merge, exit 3"
echo PASS
