#!/bin/bash
# CPU speed of the networks side by side: //models:models_benchmark (LibTorch C++, -c opt) and
# tests/reference/bench_models.py (the same networks, batch, sizes, loss and optimizer in
# Debian's python3-torch), with the same number of intra-op threads. The machine is noisy, so
# the two sides alternate (C++, PyTorch, C++, PyTorch, ...) and the table shows every run and
# the median. Figures and the commands behind them: docs/PERFORMANCE.md.
#
#   tools/bench_models.sh [--threads=2] [--models=quicknat,resultnet,quickfcn,softquickfcn]
#                         [--sizes=64,128] [--modes=forward,train] [--rounds=2]
#                         [--config=default|study] [--batch=4]
#   tools/bench_models.sh --models=quickfcn --sizes=64 --modes=train   # the headline case
#   tools/bench_models.sh --config=study --sizes=48 --batch=8 --modes=train   # the study's case
#   tools/bench_models.sh --check [...]   # exit 1 when a C++/PyTorch median ratio is below its
#                                         # floor in tools/bench_floors.txt (the machine is noisy:
#                                         # a guard to run by hand, not a CI test)
set -euo pipefail

threads=2
models=quicknat,resultnet,quickfcn,softquickfcn
sizes=64,128
modes=forward,train
rounds=2
config=default
batch=4
check=false
for arg in "$@"; do
  case "${arg}" in
    --threads=*) threads="${arg#*=}" ;;
    --models=*) models="${arg#*=}" ;;
    --sizes=*) sizes="${arg#*=}" ;;
    --modes=*) modes="${arg#*=}" ;;
    --rounds=*) rounds="${arg#*=}" ;;
    --config=*) config="${arg#*=}" ;;
    --batch=*) batch="${arg#*=}" ;;
    --check) check=true ;;
    *)
      sed -n '2,16p' "$0" >&2
      exit 2
      ;;
  esac
done

cd "$(dirname "$0")/.."
python=/usr/bin/python3  # Debian's python3-torch is importable by this one only.
bazel build -c opt //models:models_benchmark
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
# A private copy: another build in this workspace may move bazel-bin meanwhile.
cp "$(bazel info -c opt bazel-bin)/models/models_benchmark" "${work}/models_benchmark"

cpp_modes="${modes//forward/Forward}"
cpp_modes="${cpp_modes//train/TrainStep}"
filter="BM_(${cpp_modes//,/|})/(${models//,/|})/size:(${sizes//,/|})/"

for round in $(seq 1 "${rounds}"); do
  echo "== round ${round}/${rounds}: C++" >&2
  "${work}/models_benchmark" --threads="${threads}" --config="${config}" --batch="${batch}" \
    --sizes="${sizes}" --models="${models}" --benchmark_filter="${filter}" \
    --benchmark_out="${work}/cpp_${round}.json" --benchmark_out_format=json >&2
  echo "== round ${round}/${rounds}: PyTorch" >&2
  "${python}" tests/reference/bench_models.py --threads="${threads}" --models="${models}" \
    --sizes="${sizes}" --modes="${modes}" --config="${config}" --batch="${batch}" |
    tee "${work}/py_${round}.txt" >&2
done

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(nproc) cores, ${threads} threads, batch ${batch}, ${config} networks, images/s (higher is better)"
"${python}" - "${work}" "${rounds}" "${models}" "${sizes}" "${modes}" "${config}" "${check}" \
  tools/bench_floors.txt <<'PY'
import json, re, statistics, sys

work, rounds = sys.argv[1], int(sys.argv[2])
models, sizes, modes = (a.split(",") for a in sys.argv[3:6])
config, check, floors_path = sys.argv[6], sys.argv[7] == "true", sys.argv[8]
floors = {}
for line in open(floors_path):
    f = line.split("#")[0].split()
    if f:
        floors[tuple(f[:4])] = float(f[4])  # config model size mode -> floor
cpp, py = {}, {}
for r in range(1, rounds + 1):
    for b in json.load(open("%s/cpp_%d.json" % (work, r)))["benchmarks"]:
        m = re.match(r"BM_(Forward|TrainStep)/(\w+)/size:(\d+)/", b["name"])
        if m and "items_per_second" in b:
            mode = "forward" if m.group(1) == "Forward" else "train"
            cpp.setdefault((m.group(2), m.group(3), mode), []).append(b["items_per_second"])
    for line in open("%s/py_%d.txt" % (work, r)):
        if not line.startswith("#"):
            f = line.split()
            py.setdefault((f[0], f[1], f[2]), []).append(float(f[4]))

def runs(v):
    return " ".join("%.2f" % x for x in v) if v else "-"

below = []
print("| model | size | mode | PyTorch runs | C++ runs | PyTorch median | C++ median | C++/PyTorch |")
print("|---|---|---|---|---|---|---|---|")
for model in models:
    for size in sizes:
        for mode in modes:
            p, c = py.get((model, size, mode), []), cpp.get((model, size, mode), [])
            pm = statistics.median(p) if p else float("nan")
            cm = statistics.median(c) if c else float("nan")
            print("| %s | %s | %s | %s | %s | %.2f | %.2f | %.2f |"
                  % (model, size, mode, runs(p), runs(c), pm, cm, cm / pm))
            floor = floors.get((config, model, size, mode))
            if check and floor is not None and not cm / pm >= floor:
                below.append("%s %s %s %s: C++/PyTorch %.2f below the floor %.2f"
                             % (config, model, size, mode, cm / pm, floor))
for line in below:
    print("bench_models --check: " + line, file=sys.stderr)
sys.exit(1 if below else 0)
PY
