#!/usr/bin/env bash
# A one-node Slurm cluster from Debian's slurm-wlm and munge, every file under DIR and its ports
# chosen now, for trying deploy/slurm/*.sbatch on one machine and for slurm_test.sh
# (docs/DESIGN.md §8). As root: slurmd starts jobs as their submitting user.
#   deploy/slurm/local_cluster.sh start DIR   # prints the slurm.conf to export as SLURM_CONF
#   deploy/slurm/local_cluster.sh stop DIR    # stops the daemons by their PIDs (DIR/pids)
# munged runs as root (--force): the munge user may not reach DIR. The daemons reach DIR through
# a short link in /tmp, since a Unix socket's path (munged's, slurmstepd's in the spool) may not
# exceed 107 bytes, which a test's temporary folder can. Exit 2 on bad usage or missing packages,
# 1 when the node does not come up within 30 s (everything started is stopped again).
set -uo pipefail
usage="usage: deploy/slurm/local_cluster.sh start|stop DIR"
(($# == 2)) || { echo "$usage" >&2; exit 2; }
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd) || { echo "local_cluster: cannot use $2" >&2; exit 2; }

stop() {
  local pid pids
  pids=$(cat "$dir/pids" 2>/dev/null)
  # Jobs still running (a test that failed midway) end first, so no slurmstepd outlives slurmd.
  if [[ -n "$pids" && -r "$dir/slurm.conf" ]]; then
    SLURM_CONF=$dir/slurm.conf timeout 10 scancel --quiet --user="$(id -un)" 2>/dev/null
    for _ in $(seq 50); do
      [[ -z $(SLURM_CONF=$dir/slurm.conf timeout 5 squeue -h 2>/dev/null) ]] && break
      sleep 0.1
    done
  fi
  for pid in $pids; do kill "$pid" 2>/dev/null; done
  for pid in $pids; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -f "$dir/pids"
  [[ -L "$(cat "$dir/link" 2>/dev/null)" ]] && rm -f "$(cat "$dir/link")"
  rm -f "$dir/link"
}

case "$action" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
[[ $(id -u) -eq 0 ]] || { echo "local_cluster: needs root" >&2; exit 2; }
for tool in munged slurmctld slurmd sinfo python3; do
  command -v "$tool" >/dev/null ||
    { echo "local_cluster: $tool is missing: run tools/setup.sh (slurm-wlm, munge)" >&2; exit 2; }
done
[[ ! -e "$dir/pids" ]] || { echo "local_cluster: $dir/pids exists: stop that cluster first" >&2; exit 2; }
rm -rf "$dir"/{munge,state,spool,log}
mkdir -p "$dir"/{munge,state,spool,log}
chmod 700 "$dir/munge"
link=$(mktemp -u /tmp/nerve-mtl-slurm.XXXXXX)
ln -s "$dir" "$link" && echo "$link" >"$dir/link"
c=$link  # The daemons see DIR through the short link.
started() { echo "$1" >>"$dir/pids"; }
fail() { echo "local_cluster: $*" >&2; tail -n 20 "$dir"/log/* >&2 2>/dev/null; stop; exit 1; }

head -c 1024 /dev/urandom >"$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
munged --foreground --force --key-file="$c/munge/munge.key" --socket="$c/munge/socket" \
  --pid-file="$c/munge/munged.pid" --log-file="$c/log/munged.log" --seed-file="$c/munge/seed" \
  >>"$dir/log/munged.out" 2>&1 &
started $!
read -r ctld_port slurmd_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')
host=$(uname -n)
host=${host%%.*}
memory=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
# The settings docs/DESIGN.md §8 lists: no cgroups (proctrack/linuxproc, task/none), no
# accounting, one node named by this host on the loopback address.
cat >"$dir/slurm.conf" <<CONF
ClusterName=nervemtl
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$c/munge/socket
StateSaveLocation=$c/state
SlurmdSpoolDir=$c/spool
SlurmctldPidFile=$c/slurmctld.pid
SlurmdPidFile=$c/slurmd.pid
SlurmctldLogFile=$c/log/slurmctld.log
SlurmdLogFile=$c/log/slurmd.log
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
# Slurm 24 (Debian 13) starts a cgroup plugin in slurmd even with the settings above, and fails
# where no cgroup file system is mounted (a chroot); 22.05 (Debian 12) knows no "disabled".
version=$(slurmd -V | grep -o '[0-9][0-9]*\.[0-9]*' | head -n 1)
if ((${version%%.*} >= 24)); then
  echo "CgroupPlugin=disabled" >"$dir/cgroup.conf"
fi
export SLURM_CONF=$dir/slurm.conf
for _ in $(seq 50); do [[ -S "$c/munge/socket" ]] && break; sleep 0.1; done
[[ -S "$c/munge/socket" ]] || fail "munged did not start"
slurmctld -D >>"$dir/log/slurmctld.out" 2>&1 &
started $!
slurmd -D -N "$host" >>"$dir/log/slurmd.out" 2>&1 &
started $!
deadline=$((SECONDS + 30))
until [[ $(timeout 5 sinfo -h -o %t 2>/dev/null) == idle ]]; do
  ((SECONDS < deadline)) ||
    fail "the node is not idle after 30 s: $(timeout 5 sinfo 2>&1 | tr '\n' ' ')"
  sleep 0.5
done
trap - ERR
echo "$SLURM_CONF"
