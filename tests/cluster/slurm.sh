#!/usr/bin/env bash
# Slurm array labelling on a real one-node cluster: starts munged, slurmctld and slurmd (Debian's
# munge and slurm-wlm, as root) with a slurm.conf generated in a temp dir, then labels 8 tiny
# Fashion-MNIST architectures three ways: one process (no --shard), scripts/slurm/label.sbatch as
# an array of 4, and the array again with one task requeued in the middle of a training. Checks:
# every task completes, every architecture is labelled exactly once across the shards, the labels
# (and every epoch's loss) equal the single process's (num_threads 1: bit-identical), the requeued
# task skips what it had labelled and resumes from the checkpoint, a task resubmitted alone with
# GNAS_SHARD=K/N finds its shard done, and train_predictor reads the four shard files.
# Every daemon it starts is stopped by PID on exit; a daemon that does not start is a failure
# that names the reason, never a pass.
# usage: tests/cluster/slurm.sh [BIN_DIR]   (default build/bin; as root, or with sudo -n)
#   GNAS_SLURM_PORTS="CTLD SLURMD" (default "16817 16818"); GNAS_SLURM_KEEP=1 keeps the temp dir.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$src/build/bin}" 2>/dev/null && pwd) || {
  echo "FAIL no folder ${1:-$src/build/bin}"
  echo "cluster: 0 passed, 1 failed"
  exit 1
}

if [ "$(id -u)" -ne 0 ]; then
  # slurmd starts job steps as their user, which needs root.
  if sudo -n true 2>/dev/null; then exec sudo -n -E bash "$0" "$bin"; fi
  echo "FAIL tests/cluster/slurm.sh needs root (slurmd runs as root) or passwordless sudo"
  echo "cluster: 0 passed, 1 failed"
  exit 1
fi

fails=0
passes=0
pass() { passes=$((passes + 1)); }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
# fatal REASON [LOG...]: the cluster (or a step every later check needs) is not there: prints the
# reason and the logs' tails, then exits (the EXIT trap stops what was started and counts).
fatal() {
  echo "FAIL $1"
  shift
  local f
  for f in "$@"; do [ -s "$f" ] && { echo "  --- $f"; tail -15 "$f" | sed 's/^/  | /'; }; done
  fails=$((fails + 1))
  exit 1
}
# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; 1 after SECONDS.
# (COMMAND's arguments are expanded once: what must be read again each time goes in a function.)
wait_for() {
  local end=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$end" ] && return 1
    sleep 0.2
  done
}

T="" munged_pid="" ctld_pid="" slurmd_pid=""
# queue_empty [-j JOBID]: squeue answers and lists no pending, running or completing job.
queue_empty() {
  local q
  q=$(squeue -h -o %i "$@" 2>/dev/null) && [ -z "$q" ]
}

# stop PID NAME: SIGTERM, then SIGKILL after 10 s.
stop() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill "$1" 2>/dev/null
  local _
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.2; done
  fail "$2 ($1) ignored SIGTERM for 10 s: killed"
  kill -9 "$1" 2>/dev/null
}
# leftovers: the processes that run with this cluster's SLURM_CONF (jobs, their slurmstepd; this
# script's children carry it too, but the script waits for them) but the daemons themselves.
leftovers() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    case " $$ $BASHPID $munged_pid $ctld_pid $slurmd_pid " in *" $p "*) continue ;; esac
    [ "$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')" = "$ctld_pid" ] && continue  # slurmscriptd
    { tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qxF "SLURM_CONF=$T/slurm.conf" &&
      echo "$p"
  done
}
no_leftovers() { [ -z "$(leftovers)" ]; }
# exited VAR: sets $why to whether the daemon whose PID is in VAR runs, or to its exit status
# (and empties VAR). Not in a $(...): only this shell can wait for its child.
why=""
exited() {
  local pid=${!1}
  if kill -0 "$pid" 2>/dev/null; then why="it runs, PID $pid"; return; fi
  wait "$pid"
  why="it exited with status $?"
  printf -v "$1" '%s' ""
}
cleanup() {
  local code=$? p
  trap - EXIT INT TERM
  if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
    scancel --full --quiet --user=root 2>/dev/null   # this cluster's jobs: SLURM_CONF is ours
    wait_for 20 queue_empty
  fi
  [ -n "$T" ] && wait_for 20 no_leftovers   # a job's slurmstepd ends a moment after the job
  stop "$slurmd_pid" slurmd
  stop "$ctld_pid" slurmctld
  stop "$munged_pid" munged
  if [ -n "$T" ]; then
    for p in $(leftovers); do
      fail "$(cat "/proc/$p/comm" 2>/dev/null) ($p) of this cluster ran after its daemons: killed"
      kill -9 "$p" 2>/dev/null
    done
    if [ "${GNAS_SLURM_KEEP:-0}" = 1 ]; then echo "cluster: kept $T"; else rm -rf "$T"; fi
  fi
  echo "cluster: $passes passed, $fails failed"
  [ "$fails" -eq 0 ] && exit "$code"
  exit 1
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$src/scripts/install_missing.sh" slurm-wlm munge dataset-fashion-mnist ||
  fatal "could not install slurm-wlm munge dataset-fashion-mnist from Debian"
for b in generate train train_predictor; do
  [ -x "$bin/$b" ] || fatal "no $bin/$b: build first (scripts/setup.sh)"
done
for c in munged munge unmunge slurmctld slurmd sbatch scontrol squeue sinfo scancel; do
  command -v "$c" >/dev/null || fatal "$c is not on PATH after installing slurm-wlm and munge"
done

# A Slurm job inside which this runs must not leak its variables into the test's jobs.
while read -r v; do unset "$v"; done < <(compgen -e | grep '^SLURM_')
# mktemp's 0700 would hide munged's socket: munged wants every folder above it executable by all.
T=$(mktemp -d /tmp/gnas-slurm.XXXXXX)
chmod 711 "$T"
export SLURM_CONF=$T/slurm.conf   # the client commands, the daemons and the jobs use it
export GNAS_BIN=$bin              # label.sbatch's executables (sbatch exports the environment)

# --- munge: its own key, socket, pid, log and seed under $T; munged runs as root in the foreground.
mkdir -m 711 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$T/munge/munge.key"
sock=$T/munge/munge.socket
munged -F --socket="$sock" --key-file="$T/munge/munge.key" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" >"$T/munge/stderr" 2>&1 &
munged_pid=$!
wait_for 10 test -S "$sock" || {
  exited munged_pid
  fatal "munged did not create $sock ($why)" "$T/munge/stderr" "$T/munge/munged.log"
}
munge -n -S "$sock" | unmunge -S "$sock" >"$T/munge/check" 2>&1 ||
  fatal "munge could not encode and decode a credential through $sock" "$T/munge/check" \
    "$T/munge/munged.log"
pass

# --- slurm.conf: one node (this host, as slurmd -C sees it), non-default ports, state under $T.
read -r ctld_port slurmd_port <<<"${GNAS_SLURM_PORTS:-16817 16818}"
for port in "$ctld_port" "$slurmd_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fatal "port $port is in use (another Slurm, or another run of this test): set GNAS_SLURM_PORTS"
  fi
done
host=$(hostname -s)
node=$(slurmd -C 2>/dev/null | grep -m1 "^NodeName=$host ") ||
  node="NodeName=$host CPUs=$(nproc)"
node=$(sed 's/ RealMemory=[0-9]*//; s/ UpTime=.*//' <<<"$node")
mkdir -p "$T/state" "$T/spool" "$T/log"
cat >"$SLURM_CONF" <<EOF
ClusterName=gnas-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
# cred_expire also delays a requeued job's restart (default 120 s)
AuthInfo=socket=$sock,cred_expire=5
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=2
ReturnToService=2
JobRequeue=1
KillWait=10
$node RealMemory=1000 NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# --- slurmctld and slurmd as root, in the foreground (-D) so that $! is the daemon.
slurmctld -D -f "$SLURM_CONF" >"$T/log/slurmctld.stderr" 2>&1 &
ctld_pid=$!
wait_for 20 bash -c 'scontrol ping | grep -q "is UP"' || {
  exited ctld_pid
  fatal "slurmctld did not answer scontrol ping on port $ctld_port ($why)" \
    "$T/log/slurmctld.stderr" "$T/log/slurmctld.log"
}

slurmd -D -f "$SLURM_CONF" >"$T/log/slurmd.stderr" 2>&1 &
slurmd_pid=$!
wait_for 30 bash -c "sinfo -h -n $host -o %t | grep -qx idle" || {
  exited slurmd_pid
  why="sinfo: $(sinfo -h -n "$host" -o '%t %E' 2>&1); slurmd: $why"
  fatal "node $host did not become idle ($why)" "$T/log/slurmd.stderr" "$T/log/slurmd.log" \
    "$T/log/slurmctld.log"
}

pass
echo "cluster: munged $munged_pid, slurmctld $ctld_pid, slurmd $slurmd_pid; $node"

# --- the labelling: 8 architectures, 2 epochs of 512 Fashion-MNIST images, one thread each.
cd "$src" || exit 1
cfg=config/quickstart.yml
common=(--set "path_to_architecture=$T/architecture.csv" --set sample_count=8 --set num_threads=1
  --set epochs=2 --set train_subset=1024 --set train_portion=0.5 --set test_subset=100
  --set repeats=1 --set labels.agreement_check=0 --set labels.bn_recalibration=4
  --set predictor.epochs=3 --set predictor.test_count=2)
# run DIR: every path of one labelling run under DIR.
run() {
  printf -- '--set\n%s\n' "log_dir=$1/logs" "path_to_train_data=$1/data/train_data.csv" \
    "write_dir=$1/checkpoints" "path_to_save_predictor=$1/predictor.pt" \
    "predictor_pretrained=$1/predictor.pt" "path_to_evolution_architecture=$1/evolution.csv"
}
mapfile -t single < <(run "$T/single")
mapfile -t array < <(run "$T/array")
mapfile -t requeue < <(run "$T/requeue")

"$bin/generate" --cfg "$cfg" "${common[@]}" --set "log_dir=$T/generate" >"$T/generate.out" 2>&1 ||
  fatal "generate failed" "$T/generate.out"
[ "$(wc -l <"$T/architecture.csv")" -eq 9 ] && pass ||
  fatal "generate did not write 8 architectures"

start=$SECONDS
"$bin/train" --cfg "$cfg" "${common[@]}" "${single[@]}" --load-architecture --train-data \
  >"$T/single.out" 2>&1 || fatal "single-process train --train-data failed" "$T/single.out"
echo "cluster: single process labelled 8 in $((SECONDS - start)) s"

# labels FILE...: "id mean" of every row, sorted by id.
labels() {
  awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["id"], $c["mean"] }' \
    "$@" | sort -n
}
labels "$T/single/data/train_data.csv" >"$T/single.labels"
[ "$(cut -d' ' -f1 "$T/single.labels" | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 " ] && pass ||
  fail "the single process did not label ids 0..7: $(tr '\n' ' ' <"$T/single.labels")"

# check_shards NAME DIR: four shard files, shard K holding ids K and K+4, each id once, no
# unsharded file, no failure, no checkpoint left, labels equal to the single process's.
check_shards() {
  local name=$1 dir=$2 k f
  local files=()
  for k in 0 1 2 3; do files+=("$dir/data/train_data.shard${k}of4.csv"); done
  for f in "${files[@]}"; do [ -s "$f" ] || { fail "$name: no $f"; return; }; done
  local want="train_data.shard0of4.csv train_data.shard1of4.csv train_data.shard2of4.csv"
  want+=" train_data.shard3of4.csv "
  [ "$(ls "$dir/data" | tr '\n' ' ')" = "$want" ] && pass ||
    fail "$name: $dir/data holds $(ls "$dir/data" | tr '\n' ' ')"
  for k in 0 1 2 3; do
    [ "$(labels "${files[$k]}" | cut -d' ' -f1 | tr '\n' ' ')" = "$k $((k + 4)) " ] && pass ||
      fail "$name: shard $k holds ids $(labels "${files[$k]}" | cut -d' ' -f1 | tr '\n' ' ')"
  done
  labels "${files[@]}" >"$dir/labels"
  [ "$(cut -d' ' -f1 "$dir/labels" | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 " ] && pass ||
    fail "$name: ids across the shards: $(cut -d' ' -f1 "$dir/labels" | tr '\n' ' ')"
  if diff "$T/single.labels" "$dir/labels" >"$dir/labels.diff"; then pass; else
    fail "$name: labels (id mean) differ from the single process's:"
    sed 's/^/  | /' "$dir/labels.diff"
  fi
  # Every epoch's loss and accuracies (6 digits), not only the label: bit-identical trainings.
  for k in 0 1 2 3 4 5 6 7; do
    f=train/arch${k}_r1/epochs.csv
    if diff <(cut -d, -f1-6 "$T/single/logs/$f") <(cut -d, -f1-6 "$dir/logs/$f") \
      >"$dir/epochs.diff" 2>&1; then pass; else
      fail "$name: $f differs from the single process's:"
      sed 's/^/  | /' "$dir/epochs.diff"
    fi
  done
  [ -z "$(find "$dir" -name 'train_failures*')" ] && pass || fail "$name: a training failed"
  [ -z "$(find "$dir/checkpoints" -name checkpoint.pt 2>/dev/null)" ] && pass ||
    fail "$name: checkpoints left: $(find "$dir/checkpoints" -name checkpoint.pt)"
}
# task_states JOBID: "TASK STATE EXITCODE RESTARTS" per array task, sorted.
task_states() {
  scontrol -o show job "$1" | tr ' ' '\n' | awk -F= '
    $1 == "ArrayTaskId" { t = $2 } $1 == "JobState" { s = $2 } $1 == "Restarts" { r = $2 }
    $1 == "ExitCode" { e = $2 } $1 == "JobId" && t != "" { print t, s, e, r; t = "" }
    END { if (t != "") print t, s, e, r }' | sort -n
}

# --- array run: 4 tasks, 2 at a time on the 2 CPUs. (Not sbatch --wait: it polls the job's state
# at growing intervals, up to 32 s, and took twice as long as the job.)
mkdir -p "$T/array/out"
start=$SECONDS
jid=$(sbatch --parsable --array=0-3 -o "$T/array/out/%a.out" scripts/slurm/label.sbatch \
  "$cfg" "${common[@]}" "${array[@]}" 2>"$T/array/sbatch.err") ||
  fatal "sbatch --array=0-3 scripts/slurm/label.sbatch failed" "$T/array/sbatch.err"
jid=${jid%%;*}
wait_for 600 queue_empty -j "$jid" ||
  fail "the array's tasks still run after 600 s: $(squeue -h -j "$jid" -o '%i %T %r')"
echo "cluster: array of 4 labelled in $((SECONDS - start)) s"
for k in 0 1 2 3; do
  if grep -qF "shard $k/4: 2 to label, 0 already done" "$T/array/out/$k.out"; then pass; else
    fail "array task $k did not label shard $k/4 (--shard auto):"
    grep -v ' batch\|%' "$T/array/out/$k.out" | tail -5 | sed 's/^/  | /'
  fi
done
[ "$(task_states "$jid" | awk '$2 != "COMPLETED" || $3 != "0:0"' | wc -l)" -eq 0 ] && pass ||
  fail "array tasks not all COMPLETED 0:0: $(task_states "$jid" | tr '\n' ';')"
# One task resubmitted alone with its shard spelled out (--array=2 alone would be shard 0 of 1):
# its shard is complete, so it labels nothing and rewrites nothing.
sum_before=$(cat "$T"/array/data/*.csv | md5sum)
jid=$(GNAS_SHARD=2/4 sbatch --parsable --array=2 -o "$T/array/out/again.out" \
  scripts/slurm/label.sbatch "$cfg" "${common[@]}" "${array[@]}" 2>"$T/array/sbatch.err") ||
  fatal "GNAS_SHARD=2/4 sbatch --array=2 failed" "$T/array/sbatch.err"
jid=${jid%%;*}
wait_for 120 queue_empty -j "$jid" || fail "the resubmitted task still runs after 120 s"
grep -qF "shard 2/4: 0 to label, 2 already done" "$T/array/out/again.out" && pass ||
  fail "GNAS_SHARD=2/4 --array=2 did not see shard 2/4 done: $(tail -1 "$T/array/out/again.out")"
[ "$(task_states "$jid" | awk '{ print $2, $3 }')" = "COMPLETED 0:0" ] && pass ||
  fail "the resubmitted task: $(task_states "$jid")"
[ "$(cat "$T"/array/data/*.csv | md5sum)" = "$sum_before" ] && pass ||
  fail "the resubmitted task changed the shard files"
check_shards array "$T/array"

# --- requeue run: once task 1 (ids 1 and 5) has labelled id 1 and saved id 5's first epoch,
# scontrol requeue kills it (SIGTERM) and puts it back in the queue (label.sbatch has --requeue;
# JobRequeue=1); Slurm restarts it after cred_expire, it skips id 1 and resumes id 5 at epoch 2.
mkdir -p "$T/requeue/out"
start=$SECONDS
jid=$(sbatch --parsable --array=0-3 -o "$T/requeue/out/%a.out" scripts/slurm/label.sbatch \
  "$cfg" "${common[@]}" "${requeue[@]}" 2>"$T/requeue/sbatch.err") ||
  fatal "sbatch --array=0-3 (requeue run) failed" "$T/requeue/sbatch.err"
jid=${jid%%;*}
ckpt5=$T/requeue/checkpoints/train/arch5_r1/checkpoint.pt
epoch1_of_5() { [ -s "$ckpt5" ] || queue_empty -j "$jid"; }   # or the job ended without it
if wait_for 300 epoch1_of_5 && [ -s "$ckpt5" ]; then
  scontrol requeue "${jid}_1" >"$T/requeue/scontrol.out" 2>&1 && pass ||
    fail "scontrol requeue ${jid}_1: $(cat "$T/requeue/scontrol.out")"
else
  fail "task 1 never saved arch 5's first epoch ($ckpt5)"
fi
wait_for 600 queue_empty -j "$jid" ||
  fail "the requeue run's tasks still run after 600 s: $(squeue -h -j "$jid" -o '%i %T %r')"
echo "cluster: array of 4 with a requeue labelled in $((SECONDS - start)) s"
states=$(task_states "$jid")
[ "$(awk '$2 != "COMPLETED" || $3 != "0:0"' <<<"$states" | wc -l)" -eq 0 ] && pass ||
  fail "requeue run's tasks not all COMPLETED 0:0: $(tr '\n' ';' <<<"$states")"
[ "$(awk '$1 == 1 { print $4 }' <<<"$states")" = 1 ] && pass ||
  fail "task 1 was not restarted exactly once: $(tr '\n' ';' <<<"$states")"
out1=$T/requeue/out/1.out
for want in "restart 0," "1/2 arch 1 (" "stopped by SIGTERM in train/arch5_r1 at epoch 2" \
  "restart 1," "shard 1/4: 1 to label, 1 already done" "train/arch5_r1: resumed from" \
  "after epoch 1" "1/1 arch 5 ("; do
  grep -qF -- "$want" "$out1" && pass || fail "requeued task's output lacks '$want'"
done
[ "$(grep -cF 'already done' "$out1")" -eq 2 ] && pass ||
  fail "task 1 should have started twice: $(grep -F 'already done' "$out1")"
check_shards requeue "$T/requeue"

# --- train_predictor reads the four shard files beside path_to_train_data.
if "$bin/train_predictor" --cfg "$cfg" "${common[@]}" "${array[@]}" >"$T/predictor.out" 2>&1; then
  pass
  n=$(awk '$1 == "n_train:" || $1 == "n_test:" { s += $2 } END { print s + 0 }' \
    "$T/array/logs/train_predictor_summary.yml")
  [ "$n" -eq 8 ] && pass || fail "train_predictor read $n labels, not 8 (n_train + n_test)"
  grep -qF "8 labelled architectures from 4 file(s)" "$T/predictor.out" && pass ||
    fail "train_predictor did not read 8 labels from the 4 shard files"
  [ -s "$T/array/predictor.pt" ] && pass || fail "train_predictor saved no predictor"
else
  fail "train_predictor on the shard files failed:"
  tail -5 "$T/predictor.out" | sed 's/^/  | /'
fi

exit 0   # the EXIT trap stops the cluster, prints the counts and fails if anything failed
