# A real Slurm cluster: munged, slurmctld and slurmd started here on
# 127.0.0.1 (../shared/notes/slurm.md), the README's scan-array.sbatch run
# as a job array with `sbatch --wait --array=0-(N-1)`, merged, and compared
# with one scan of the same shards; then the README's submit commands (the
# array, and merge.sbatch waiting on it with --dependency=afterok). The
# daemons are stopped by pid, in reverse order, whatever happens. Installs
# nothing: skipped (exit 77) without Slurm and munge, or without root.
# Label `slurm`: `ctest -L slurm` runs it alone.
. "$AUD_SRC/tests/cli/lib.sh"

skip() {
  echo "SKIPPED: $*"
  exit 77
}
for b in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$b" >/dev/null 2>&1 ||
    skip "$b not found: install slurm-wlm and munge (.ci/deps.sh) to run this test"
done
[ "$(id -u)" -eq 0 ] || skip "the Slurm daemons of this test must run as root"
if command -v ss >/dev/null 2>&1 && ss -ltn | grep -Eq ':681[78]\b'; then
  skip "ports 6817/6818 are taken: another Slurm cluster runs on this machine"
fi

PY=/usr/bin/python3
N=4
MUNGE_PID= CTLD_PID= SLURMD_PID=
# Stops what was started, newest first; TERM, then KILL after 10 s.
stop_cluster() {
  local p i
  if [ -n "$CTLD_PID" ] && kill -0 "$CTLD_PID" 2>/dev/null; then
    # Jobs still there after a failure: cancelled first, so that no job
    # step outlives its slurmd.
    scancel --user="$(id -un)" 2>/dev/null
    for i in $(seq 1 100); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  for p in "$SLURMD_PID" "$CTLD_PID" "$MUNGE_PID"; do
    [ -n "$p" ] || continue
    kill -TERM "$p" 2>/dev/null
    for i in $(seq 1 100); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  SLURMD_PID= CTLD_PID= MUNGE_PID=
}
trap 'stop_cluster; rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Shows the daemons' logs when something went wrong.
logs() {
  local f
  for f in "$C"/*.log "$C"/*.out; do
    [ -f "$f" ] || continue
    echo "--- $f" >&2
    tail -n 20 "$f" >&2
  done
}

# munge: a key, and a socket that every folder above lets others reach
# (or munged refuses it).
C="$T/cluster"
mkdir -p "$C/munge" "$C/state" "$C/spool"
chmod 711 "$T" "$C" "$C/munge"
mungekey -c -k "$C/munge.key" >/dev/null 2>&1 || mungekey -c -f -k "$C/munge.key"
chmod 400 "$C/munge.key"
munged -F --key-file="$C/munge.key" --socket="$C/munge/socket" \
  --pid-file="$C/munged.pid" --seed-file="$C/munge.seed" \
  --log-file="$C/munged.log" &
MUNGE_PID=$!
for i in $(seq 1 100); do
  [ -S "$C/munge/socket" ] || ! kill -0 "$MUNGE_PID" 2>/dev/null && break
  sleep 0.1
done
[ -S "$C/munge/socket" ] || { bad "munged did not start"; logs; finish; }

host=$(hostname -s)
cat >"$C/slurm.conf" <<EOF
ClusterName=auditortest
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
AuthInfo=socket=$C/munge/socket
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/slurmctld.log
SlurmdLogFile=$C/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MinJobAge=0
MailProg=/bin/true
DependencyParameters=kill_invalid_depend
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$C/slurm.conf"
slurmctld -D -c >"$C/slurmctld.out" 2>&1 &
CTLD_PID=$!
slurmd -D >"$C/slurmd.out" 2>&1 &
SLURMD_PID=$!
state=
for i in $(seq 1 300); do
  state=$(sinfo -h -o %t 2>/dev/null)
  [ "$state" = idle ] && break
  kill -0 "$CTLD_PID" 2>/dev/null && kill -0 "$SLURMD_PID" 2>/dev/null || break
  sleep 0.1
done
if [ "$state" = idle ]; then ok; else
  bad "the node is '$state', not idle, after 30 s"; logs; finish
fi

# The shards: the merge tests' data, less the broken inputs, so every
# task exits 0 and afterok holds.
"$PY" "$AUD_SRC/tests/merge/gen_shards.py" "$T/g" || { bad "cannot generate data"; finish; }
grep -v -e part-1.jsonl -e part-5.jsonl.gz "$T/g/shards.txt" >"$T/shards.txt"
# The README's scripts and commands, as they are written there.
"$PY" - "$AUD_SRC/README.md" "$T" <<'PY' || { bad "README scripts not found"; finish; }
import re, sys
text = open(sys.argv[1]).read().split("## Running on a cluster", 1)[1]
text = text.split("\n## ", 1)[0]
for name in ("scan-array.sbatch", "merge.sbatch"):
    m = re.search(r"```bash\n(#!/bin/bash\n# %s:.*?)```" % re.escape(name),
                  text, re.S)
    open("%s/%s" % (sys.argv[2], name), "w").write(m.group(1))
m = re.search(r"```sh\n(mkdir -p logs[^\n]*\njid=.*?)```", text, re.S)
open(sys.argv[2] + "/submit.sh", "w").write(m.group(1))
PY
OPTS="--group sex --group race --outcome hired --positive yes --score score --threshold 0.5"
export PATH="$(dirname "$AUDITOR"):$PATH"

# same_as_one ONE.db MERGED.db LABEL: the same JSON report (run id and
# times aside) and the same rows in every table (tests/merge/canon.py).
same_as_one() {
  local c="$AUD_SRC/tests/merge/canon.py" k
  if "$AUDITOR" report --db "$1" --format json >"$T/a.json" &&
    "$AUDITOR" report --db "$2" --format json >"$T/b.json" &&
    "$PY" "$c" report "$T/a.json" >"$T/ra" && "$PY" "$c" report "$T/b.json" >"$T/rb" &&
    "$PY" "$c" db "$1" >"$T/da" && "$PY" "$c" db "$2" >"$T/db"; then
    for k in r d; do
      if diff -u "$T/${k}a" "$T/${k}b" >"$T/diff"; then ok; else
        bad "$3: differs from one scan ($k)"
        head -40 "$T/diff" >&2
      fi
    done
  else
    bad "$3: cannot compare with one scan"
  fi
}

# One scan of everything, here, for reference.
# shellcheck disable=SC2046
run scan -q --db "$T/one.db" --hash-key-file "$KEY" $OPTS $(cat "$T/shards.txt")
expect_rc 0 "one scan"

# 1. sbatch --wait --array=0-(N-1), then merge here.
W="$T/w1"
mkdir -p "$W/logs"
cp "$T/shards.txt" "$T/scan-array.sbatch" "$W/"
cp "$KEY" "$W/audit.key"
# shellcheck disable=SC2086
(cd "$W" && timeout 300 sbatch --wait --array=0-$((N - 1)) scan-array.sbatch $OPTS) >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "sbatch --wait --array=0-$((N - 1))"
[ "$RC" -eq 0 ] || { logs; cat "$W"/logs/* >&2; }
expect_eq "$(ls "$W/logs" | wc -l)" "$N" "one log per array task"
expect_eq "$(ls "$W"/dbs/scan-*.db 2>/dev/null | wc -l)" "$N" "one database per array task"
run merge -q --db "$T/merged.db" "$W"/dbs/scan-*.db
expect_rc 0 "merge of the array's databases"
same_as_one "$T/one.db" "$T/merged.db" "Slurm array + merge"
expect_sql "$T/merged.db" "SELECT COUNT(DISTINCT source_uid) FROM run_sources" "$N"

# 2. The README's commands: the array without waiting, and merge.sbatch
# with --dependency=afterok on it (waited for here).
W="$T/w2"
mkdir -p "$W"
cp "$T/shards.txt" "$T/scan-array.sbatch" "$T/merge.sbatch" "$W/"
sed -e "s/--array=0-63/--array=0-$((N - 1))/" \
  -e "s/--group sex --outcome hired --positive yes/$OPTS/" \
  -e 's/sbatch --dependency/sbatch --wait --dependency/' \
  "$T/submit.sh" >"$W/submit.sh"
grep -q -- "--array=0-$((N - 1)) " "$W/submit.sh" && grep -q -- "--wait --dependency=afterok" "$W/submit.sh" &&
  ok || bad "README's submit commands changed: $(cat "$W/submit.sh")"
(cd "$W" && timeout 300 bash -e submit.sh) >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "README's submit commands"
[ "$RC" -eq 0 ] || { logs; cat "$W"/logs/* >&2; }
expect_sql "$W/audit.db" "SELECT status, COUNT(DISTINCT source_uid) FROM runs JOIN run_sources USING (run_id)" "complete|$N"
# The key is the one the README's commands made: one scan with it.
# shellcheck disable=SC2046
run scan -q --db "$T/one2.db" --hash-key-file "$W/audit.key" $OPTS $(cat "$T/shards.txt")
expect_rc 0 "one scan with the README's key"
same_as_one "$T/one2.db" "$W/audit.db" "README's commands"

# Stopped, and nothing left behind.
stop_cluster
# A job step's slurmstepd outlives slurmd for a moment (then as a zombie
# until PID 1 reaps it): wait for it.
left() {
  pgrep -af -- "$C"
  ps -eo pid=,stat=,args= | awk '$3 ~ /slurmstepd/ && $2 !~ /^Z/'
}
for i in $(seq 1 100); do
  [ -z "$(left)" ] && break
  sleep 0.1
done
if [ -z "$(left)" ]; then ok; else bad "left running: $(left)"; fi
finish
